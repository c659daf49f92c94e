// A deployer that dies mid-rollout and a fresh one over the same local world: the fresh one finds the
// revision the first registered (rollout id tag), finishes the rollout, and invalidates once.
// The "crash" gives nothing back to the queue: its message returns only after the visibility timeout,
// as after kill -9.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceStatus } from '../../../deployer/contract/status-model.ts';
import type { QueuePort } from '../../../deployer/ports.ts';
import { createDeployerRuntime } from '../../../deployer/runtime/app.ts';
import type { DeployerRuntime } from '../../../deployer/runtime/runtime.ts';
import { loadSettings } from '../../../deployer/runtime/settings.ts';
import type { Adapters } from '../../../deployer/startup/create-adapters.ts';
import { type LocalWorld, startLocalWorld } from '../../../local/world.ts';
import { RUNTIME_WORLD_TIMING, worldActorsYaml } from '../../support/local-actors.ts';
import { worldAdapters } from '../../support/world-adapters.ts';

const VISIBILITY_SECONDS = 3;
let world: LocalWorld;
let configRoot: string;
const runtimes: DeployerRuntime[] = [];
const adapterSets: Adapters[] = [];
const silent = pino({ level: 'silent' });

beforeAll(async () => {
  world = await startLocalWorld({
    logger: silent,
    timing: RUNTIME_WORLD_TIMING,
    visibilityTimeoutSeconds: VISIBILITY_SECONDS,
  });
  configRoot = await mkdtemp(path.join(os.tmpdir(), 'runtime-restart-'));
  await mkdir(path.join(configRoot, 'services'));
  await writeFile(
    path.join(configRoot, 'services', 'actors.yaml'),
    // Enough consecutive successes that the first deployer is still verifying when it dies.
    worldActorsYaml(world, {
      verify: { successes: 6, intervalSeconds: 1, timeoutSeconds: 20 },
      rolloutTimeoutSeconds: 20,
    }),
  );
}, 30_000);

afterAll(async () => {
  await Promise.all(runtimes.map((r) => r.stop()));
  for (const adapters of adapterSets) adapters.destroy();
  await world?.stop();
  if (configRoot) await rm(configRoot, { recursive: true, force: true });
});

/** A queue that, once crashed, silently does nothing: no deletes, no visibility changes, no sends. */
function crashableQueue(inner: QueuePort): QueuePort & { crash(): void } {
  let crashed = false;
  return {
    crash: () => {
      crashed = true;
    },
    send: (m, s) => (crashed ? Promise.resolve() : inner.send(m, s)),
    sendBatch: (m, s) => (crashed ? Promise.resolve() : inner.sendBatch(m, s)),
    receive: (n, w, s) => (crashed ? Promise.resolve([]) : inner.receive(n, w, s)),
    delete: (r, s) => (crashed ? Promise.resolve() : inner.delete(r, s)),
    changeVisibility: (r, v, s) => (crashed ? Promise.resolve() : inner.changeVisibility(r, v, s)),
    stats: (s) => inner.stats(s),
  };
}

/** A deployer over the local world; `wrapQueue` lets a test crash its queue. */
function deployer(wrapQueue?: (queue: QueuePort) => QueuePort): DeployerRuntime {
  const settings = loadSettings({
    DEPLOYER_MODE: 'local',
    QUEUE_URL: world.queueUrl,
    DLQ_URL: world.dlqUrl,
    CONFIG_PATH: configRoot,
    WAIT_POLL_MS: '100',
    RESYNC_INTERVAL_SECONDS: '0',
    VISIBILITY_TIMEOUT_SECONDS: String(VISIBILITY_SECONDS),
    HEARTBEAT_SECONDS: '1',
  });
  const adapters = worldAdapters(world, settings, silent, {
    maxAttempts: 3,
    probeTimeoutMs: 2_000,
    ...(wrapQueue ? { wrapQueue } : {}),
  });
  adapterSets.push(adapters);
  const { destroy: _destroy, ...ports } = adapters;
  const runtime = createDeployerRuntime(
    { settings, logger: silent, ...ports },
    { receiveWaitSeconds: 1, queueStatsIntervalMs: 0 },
  );
  runtimes.push(runtime);
  return runtime;
}

async function until(
  runtime: DeployerRuntime,
  done: (s: ServiceStatus) => boolean,
  timeoutMs = 12_000,
): Promise<ServiceStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = runtime.serviceStatus('actors');
    if (status && done(status)) return status;
    if (Date.now() > deadline) throw new Error(`timed out; status: ${JSON.stringify(status, null, 1)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('deployer restart mid-rollout', () => {
  it('a fresh deployer resumes the rollout: one new revision, one invalidation, Synced', async () => {
    let queue: ReturnType<typeof crashableQueue> | undefined;
    const first = deployer((inner) => {
      queue = crashableQueue(inner);
      return queue;
    });
    await first.start();
    await until(first, (s) => s.sync.state === 'Synced');
    const revisionsBefore = world.taskDefinitions().length;

    const pushed = await world.push('actors', '1.1.0');
    const midway = await until(first, (s) => s.currentRollout?.step === 'Verifying');
    const rolloutId = midway.currentRollout?.id;
    queue?.crash();
    await first.stop();

    const second = deployer();
    await second.start();
    const done = await until(second, (s) => s.live?.digest === pushed.digest && s.sync.state === 'Synced');
    expect(done.recentRollouts[0]).toMatchObject({ id: rolloutId, result: 'Succeeded' });
    expect(world.taskDefinitions().length).toBe(revisionsBefore + 1);
    expect(world.invalidations().filter((i) => i.callerReference === rolloutId)).toHaveLength(1);
    const response = await fetch(`${world.serviceUrl('actors')}/version`);
    expect(await response.json()).toMatchObject({ digest: pushed.digest });
  }, 20_000);
});
