// A deployer runtime over the in-memory test kit, for unit tests that drive the whole runtime: the
// fakes it runs on (seed them as the test needs), a boot() that can be called again for a restarted
// deployer over the same AWS state (wait on its status with until-status.ts). Started runtimes are
// stopped by stopRuntimes() (call it in afterEach).
import { createDeployerRuntime, type RuntimeDeps, type RuntimeTuning } from '../../deployer/runtime/app.ts';
import type { DeployerRuntime } from '../../deployer/runtime/runtime.ts';
import { loadSettings } from '../../deployer/runtime/settings.ts';
import { StatusStore } from '../../deployer/runtime/status-store.ts';
import {
  FakeCdn,
  FakeClock,
  FakeConfigSource,
  FakeEcs,
  FakeProbe,
  FakeQueue,
  FakeRegistry,
  REGISTRY_HOST,
  serviceYaml,
  silentLogger,
} from './fakes/index.ts';

/** Fast for tests: no long polls, no periodic queue reads, no backoff. */
const TEST_TUNING: RuntimeTuning = {
  receiveWaitSeconds: 0,
  queueStatsIntervalMs: 0,
  configRetryMs: 10,
  backoffSeconds: () => 0,
  // Off on the fake clock (its sleeps move time): tests of several replicas turn it on.
  statusRefreshMs: 0,
};

const running: DeployerRuntime[] = [];

export async function stopRuntimes(): Promise<void> {
  await Promise.all(running.splice(0).map((runtime) => runtime.stop()));
}

export function runtimeOverFakes(env: NodeJS.ProcessEnv = {}) {
  const clock = new FakeClock();
  const ecs = new FakeEcs(clock);
  const registry = new FakeRegistry(clock);
  const cdn = new FakeCdn();
  const probe = new FakeProbe(ecs);
  const queue = new FakeQueue();
  const configSource = new FakeConfigSource();
  const settings = loadSettings({ RESYNC_INTERVAL_SECONDS: '0', CONFIG_PATH: '/tmp/unused', ...env });
  /** A runtime over these fakes; call again for a restarted deployer. */
  const boot = (extra: Partial<RuntimeDeps> = {}, tuning: RuntimeTuning = {}): DeployerRuntime => {
    const runtime = createDeployerRuntime(
      { settings, ecs, registry, cdn, queue, configSource, probe, clock, logger: silentLogger, ...extra },
      { ...TEST_TUNING, ...tuning },
    );
    running.push(runtime);
    return runtime;
  };
  /**
   * The actors service as most tests begin: 1.0.0 pushed to ECR, ECS running it (by tag, or by digest
   * as infrastructure deploys it), its config committed at `revision`. Returns the 1.0.0 digest and the
   * seeded task definition's ARN.
   */
  const seedActors = (
    options: {
      byDigest?: boolean;
      breakerRollback?: boolean;
      yaml?: Parameters<typeof serviceYaml>[0];
      revision?: string;
    } = {},
  ) => {
    const v1 = registry.push('actors', '1.0.0');
    const seededArn = ecs.seed({
      service: 'actors',
      image: `${REGISTRY_HOST}/actors${options.byDigest ? `@${v1}` : ':1.0.0'}`,
      ...(options.breakerRollback === undefined ? {} : { breakerRollback: options.breakerRollback }),
    });
    configSource.commit(options.revision ?? 'a'.repeat(40), [
      { ...serviceYaml(options.yaml ?? {}), path: 'services/actors.yaml' },
    ]);
    return { v1, seededArn };
  };
  return { clock, ecs, registry, cdn, probe, queue, configSource, settings, boot, seedActors };
}

/** What tests of one runtime part (status rebuild, suspensions, a reconciler) start from: a clock, ECS and a status store on it. */
export function ecsAndStore() {
  const clock = new FakeClock();
  const ecs = new FakeEcs(clock);
  const store = new StatusStore({ mode: 'local', version: 'test', clock });
  return { clock, ecs, store };
}
