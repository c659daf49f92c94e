// Builds a reconciler over the fakes with a config parsed from YAML, as the runtime does.
import type { Logger } from 'pino';
import { parseConfigFiles } from '../../../deployer/domain/config/parse-config-files.ts';
import { DeployerError } from '../../../deployer/domain/errors.ts';
import type { ConfigFile, DesiredState } from '../../../deployer/domain/types.ts';
import { createMetrics } from '../../../deployer/runtime/metrics.ts';
import { Reconciler, type Suspension } from '../../../deployer/runtime/reconcile.ts';
import { StatusStore } from '../../../deployer/runtime/status-store.ts';
import {
  FakeCdn,
  FakeClock,
  FakeEcs,
  FakeProbe,
  FakeRegistry,
  type FakeReleaseRecords,
  REGISTRY_HOST,
  serviceYaml,
  silentLogger,
} from '../../support/fakes/index.ts';

export const transient = () => new DeployerError('AWS_UNAVAILABLE', 'simulated crash');

export function fakeWorld(
  options: {
    files?: ConfigFile[];
    breakerRollback?: boolean;
    logger?: Logger;
    /** Where successful rollouts record their image; absent: nowhere, as in the local world. */
    releaseRecords?: FakeReleaseRecords;
  } = {},
) {
  const clock = new FakeClock();
  const ecs = new FakeEcs(clock);
  const registry = new FakeRegistry(clock);
  const cdn = new FakeCdn();
  const probe = new FakeProbe(ecs);
  const v1 = registry.push('actors', '1.0.0');
  const seededArn = ecs.seed({
    service: 'actors',
    image: `${REGISTRY_HOST}/actors:1.0.0`,
    breakerRollback: options.breakerRollback ?? true,
  });
  const parsed = parseConfigFiles(options.files ?? [serviceYaml({})], 'rev-1');
  if (!parsed.ok) throw new Error(`bad test config: ${JSON.stringify(parsed.errors)}`);
  let desired: DesiredState = parsed.state;
  const suspensions = new Map<string, Suspension>();
  const metrics = createMetrics({ defaultMetrics: false });
  const build = (store = new StatusStore({ mode: 'local', version: 'test', clock })) => {
    const reconciler = new Reconciler({
      ecs,
      registry,
      cdn,
      probe,
      clock,
      logger: options.logger ?? silentLogger,
      store,
      metrics,
      waitPollMs: 1000,
      releaseRecords: options.releaseRecords,
      desired: () => desired,
      suspension: (name) => suspensions.get(name),
    });
    return { reconciler, store };
  };
  const { reconciler, store } = build();
  const signal = new AbortController().signal;
  return {
    clock,
    ecs,
    registry,
    cdn,
    probe,
    metrics,
    store,
    reconciler,
    suspensions,
    v1,
    seededArn,
    signal,
    /** A fresh reconciler + store over the same fake AWS (a deployer restart). */
    restart: build,
    setConfig(files: ConfigFile[], revision: string) {
      const next = parseConfigFiles(files, revision);
      if (!next.ok) throw new Error(`bad test config: ${JSON.stringify(next.errors)}`);
      desired = next.state;
    },
    reconcile(options: { force?: boolean } = {}) {
      return reconciler.reconcile('actors', { reason: 'test', ...options }, signal);
    },
  };
}
