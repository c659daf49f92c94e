// A StatusRefresh as the runtime builds it (task definitions through the production cache, its own
// status store and metrics), over the fake ECS on the fake clock: what the refresh's unit tests start from.
import type { ServiceConfig } from '../../deployer/domain/types.ts';
import { CachedTaskDefinitions } from '../../deployer/runtime/cached-task-definitions.ts';
import { createMetrics } from '../../deployer/runtime/metrics.ts';
import { StatusRefresh, type StatusRefreshDeps } from '../../deployer/runtime/status-refresh.ts';
import { StatusStore } from '../../deployer/runtime/status-store.ts';
import { type FakeClock, type FakeEcs, silentLogger } from './fakes/index.ts';

export function statusRefreshOverFakes(
  ecs: FakeEcs,
  clock: FakeClock,
  services: () => readonly ServiceConfig[],
  options: Partial<Omit<StatusRefreshDeps, 'ecs' | 'store' | 'clock' | 'services'>> = {},
) {
  const store = new StatusStore({ mode: 'aws', version: 'test', clock });
  const cached = new CachedTaskDefinitions(ecs);
  const refresh = new StatusRefresh({
    ecs: cached,
    store,
    metrics: createMetrics({ defaultMetrics: false }),
    clock,
    logger: silentLogger,
    services,
    ...options,
  });
  return { store, cached, refresh };
}
