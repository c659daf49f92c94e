// Issue 17: an ECR event storm's events/s must stay flat as services grow (1,000 → 10,000). Counted, not
// timed: how many services of the config each event's handling visits, at 100 and at 2,000 services.
// Reads of the config's service list go through a counting proxy; building the index once per config
// applied is the only walk over it. (The CPU profile of the 3,000-service storm also showed the status
// refresh's callers waiting for tokens as a crowd: rate-limiter.test.ts counts that, one sleep a token.)
import { describe, expect, it } from 'vitest';
import { parseConfigFiles } from '../../../deployer/domain/config/parse-config-files.ts';
import type { ServiceConfig } from '../../../deployer/domain/types.ts';
import { DeploymentSignals } from '../../../deployer/runtime/deployment-signals.ts';
import { createMetrics } from '../../../deployer/runtime/metrics.ts';
import { PromotionHints } from '../../../deployer/runtime/promotion-hints.ts';
import { Reconciler } from '../../../deployer/runtime/reconcile.ts';
import { routeDeploymentEvent } from '../../../deployer/runtime/route-deployment-event.ts';
import { ServiceIndex } from '../../../deployer/runtime/service-index.ts';
import { StatusStore } from '../../../deployer/runtime/status-store.ts';
import {
  actorsServiceConfig,
  FakeCdn,
  FakeClock,
  FakeEcs,
  FakeProbe,
  FakeQueue,
  FakeRegistry,
  REGISTRY_HOST,
  serviceYaml,
  silentLogger,
} from '../../support/fakes/index.ts';
import { statusRefreshOverFakes } from '../../support/status-refresh-over-fakes.ts';

const EVENTS = 50;

/** `count` services (svc-1..., then `extra`) behind a proxy that counts every element read (find, filter, for...). */
function countedServices(count: number, extra: ServiceConfig[] = []) {
  const services = Array.from({ length: count - extra.length }, (_, i) =>
    actorsServiceConfig({
      name: `svc-${i + 1}`,
      service: `svc-${i + 1}`,
      container: `svc-${i + 1}`,
      image: { repository: `team/svc-${i + 1}`, track: { latest: true } },
    }),
  );
  services.push(...extra);
  let reads = 0;
  const list = new Proxy(services, {
    get(target, key, receiver) {
      if (typeof key === 'string' && /^\d+$/.test(key)) reads += 1;
      return Reflect.get(target, key, receiver);
    },
  });
  return { list: list as readonly ServiceConfig[], visited: () => reads };
}

/** Services visited by EVENTS ECS deployment events and the status looks they ask for, at `count` services. */
async function visitedPerEvent(count: number): Promise<{ visited: number; describes: number }> {
  const { list, visited } = countedServices(count);
  const index = new ServiceIndex(list);
  const clock = new FakeClock();
  const ecs = new FakeEcs(clock);
  for (let i = 1; i <= EVENTS; i++)
    ecs.seed({ service: `svc-${i}`, image: `${REGISTRY_HOST}/team/svc-${i}:1.0.0` });
  const { store, refresh } = statusRefreshOverFakes(ecs, clock, () => list, {
    named: (name) => index.named(name),
  });
  const signal = AbortSignal.timeout(5_000);
  const looks: Promise<void>[] = [];
  const route = routeDeploymentEvent({
    index: () => index,
    signals: new DeploymentSignals(),
    logger: silentLogger,
    onEvent: (name) => looks.push(refresh.soon(name, signal)),
  });
  const before = visited();
  for (let i = 1; i <= EVENTS; i++) {
    await route(
      {
        kind: 'deployment-event',
        cluster: 'gitops',
        service: `svc-${i}`,
        event: 'SERVICE_DEPLOYMENT_COMPLETED',
        at: '',
      },
      signal,
      { release: () => {} },
    );
    // An ECR push names the repository: its services come from the same index.
    expect(index.servicesOf(`team/svc-${i}`).map((s) => s.name)).toEqual([`svc-${i}`]);
  }
  await Promise.all(looks);
  expect(store.service(`svc-${EVENTS}`)?.tasks).toBeDefined(); // the looks happened
  return { visited: visited() - before, describes: ecs.counter.count('ecs:DescribeServices') };
}

describe('the work of one event', () => {
  it('visits no service of the config, at 100 services as at 2,000', async () => {
    const small = await visitedPerEvent(100);
    const large = await visitedPerEvent(2_000);
    expect(small.visited).toBe(0);
    expect(large.visited).toBe(0);
  });

  it('a burst of events makes one status look at a time: 10 services a DescribeServices, not one each', async () => {
    const { describes } = await visitedPerEvent(100);
    // A look takes every name asked so far, 10 to a call; the names asked while it runs wait for the
    // next one (one look for each event: 50).
    expect(describes).toBeLessThanOrEqual(EVENTS / 5);
  });
});

/** Services of the config visited by EVENTS reconciles of one service that each roll out, at `count` services. */
async function visitedPerReconcile(count: number): Promise<number> {
  const parsed = parseConfigFiles([serviceYaml({ verify: false, cdn: false })], 'rev-1');
  if (!parsed.ok) throw new Error('bad test config');
  const { list, visited } = countedServices(count, parsed.state.services);
  const desired = { revision: 'rev-1', services: list as ServiceConfig[] };
  const clock = new FakeClock();
  const ecs = new FakeEcs(clock, { pollsToFinish: 1 });
  const registry = new FakeRegistry(clock);
  ecs.seed({ service: 'actors', image: `${REGISTRY_HOST}/actors@${registry.push('actors', '1.0.0')}` });
  const queue = new FakeQueue();
  const store = new StatusStore({ mode: 'local', version: 'test', clock });
  const reconciler = new Reconciler({
    ecs,
    registry,
    cdn: new FakeCdn(),
    probe: new FakeProbe(ecs),
    clock,
    logger: silentLogger,
    store,
    metrics: createMetrics({ defaultMetrics: false }),
    waitPollMs: 1000,
    desired: () => desired,
    suspension: () => undefined,
    promotionHints: new PromotionHints({
      queue,
      clock,
      logger: silentLogger,
      desired: () => desired,
      signal: () => AbortSignal.timeout(5_000),
    }),
  });
  const signal = AbortSignal.timeout(5_000);
  registry.push('actors', '1.0.1');
  await reconciler.reconcile('actors', { reason: 'warm-up' }, signal); // a rollout: builds the lookups once
  const before = visited();
  for (let i = 1; i <= EVENTS; i++) {
    const digest = registry.push('actors', `1.${i}.0`);
    await reconciler.reconcile('actors', { reason: `push ${i}` }, signal);
    expect(store.service('actors')?.live?.digest).toBe(digest);
  }
  return visited() - before;
}

describe('the work of one reconcile', () => {
  it('visits no other service of the config (nor does the rollout-end hint), at 100 services as at 2,000', async () => {
    expect(await visitedPerReconcile(100)).toBe(0);
    expect(await visitedPerReconcile(2_000)).toBe(0);
  });
});
