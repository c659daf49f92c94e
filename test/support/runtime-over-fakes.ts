// A deployer runtime over the in-memory test kit, for unit tests that drive the whole runtime: the
// fakes it runs on (seed them as the test needs), a boot() that can be called again for a restarted
// deployer over the same AWS state, and a wait on the status. Started runtimes are stopped by
// stopRuntimes() (call it in afterEach).
import type { DeployerStatus } from '../../deployer/contract/status-model.ts';
import { createDeployerRuntime, type RuntimeDeps, type RuntimeTuning } from '../../deployer/runtime/app.ts';
import type { DeployerRuntime } from '../../deployer/runtime/runtime.ts';
import { loadSettings } from '../../deployer/runtime/settings.ts';
import {
  FakeCdn,
  FakeClock,
  FakeConfigSource,
  FakeEcs,
  FakeProbe,
  FakeQueue,
  FakeRegistry,
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
  return { clock, ecs, registry, cdn, probe, queue, configSource, settings, boot };
}

/** Waits (10 ms steps, real time) until the status satisfies `done`; fails with the status after timeoutMs. */
export async function untilStatus(
  runtime: DeployerRuntime,
  done: (status: DeployerStatus) => boolean,
  timeoutMs = 5_000,
): Promise<DeployerStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = runtime.status();
    if (done(status)) return status;
    if (Date.now() > deadline)
      throw new Error(`condition not met; status: ${JSON.stringify(status, null, 1)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
