// The runtime (no HTTP) against the local world through the production adapters: SQS (fauxqs), the
// ECS/ECR/CloudFront stand-ins, tasks as real processes behind the local load balancer.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceStatus } from '../../../deployer/contract/status-model.ts';
import { createDeployerRuntime } from '../../../deployer/runtime/app.ts';
import type { DeployerRuntime } from '../../../deployer/runtime/runtime.ts';
import { loadSettings } from '../../../deployer/runtime/settings.ts';
import type { Adapters } from '../../../deployer/startup/create-adapters.ts';
import { type LocalWorld, startLocalWorld } from '../../../local/world.ts';
import { RUNTIME_WORLD_TIMING, worldActorsYaml } from '../../support/local-actors.ts';
import { worldAdapters } from '../../support/world-adapters.ts';

let world: LocalWorld;
let adapters: Adapters;
let runtime: DeployerRuntime;
let configRoot: string;
const silent = pino({ level: 'silent' });

beforeAll(async () => {
  world = await startLocalWorld({
    logger: silent,
    timing: RUNTIME_WORLD_TIMING,
    visibilityTimeoutSeconds: 30,
  });
  configRoot = await mkdtemp(path.join(os.tmpdir(), 'runtime-world-'));
  await mkdir(path.join(configRoot, 'services'));
  await writeFile(
    path.join(configRoot, 'services', 'actors.yaml'),
    worldActorsYaml(world, {
      verify: { successes: 2, intervalSeconds: 1, timeoutSeconds: 20 },
      rolloutTimeoutSeconds: 20,
    }),
  );
  const settings = loadSettings({
    DEPLOYER_MODE: 'local',
    QUEUE_URL: world.queueUrl,
    DLQ_URL: world.dlqUrl,
    CONFIG_PATH: configRoot,
    WAIT_POLL_MS: '100',
    RESYNC_INTERVAL_SECONDS: '0',
    VISIBILITY_TIMEOUT_SECONDS: '30',
    HEARTBEAT_SECONDS: '5',
  });
  adapters = worldAdapters(world, settings, silent, { maxAttempts: 3, probeTimeoutMs: 2_000 });
  const { destroy: _destroy, ...ports } = adapters;
  runtime = createDeployerRuntime(
    { settings, logger: silent, ...ports },
    { receiveWaitSeconds: 1, queueStatsIntervalMs: 500 },
  );
  await runtime.start();
}, 30_000);

afterAll(async () => {
  await runtime?.stop();
  adapters?.destroy();
  await world?.stop();
  if (configRoot) await rm(configRoot, { recursive: true, force: true });
});

async function until(done: (s: ServiceStatus) => boolean, timeoutMs = 12_000): Promise<ServiceStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = runtime.serviceStatus('actors');
    if (status && done(status)) return status;
    if (Date.now() > deadline) throw new Error(`timed out; status: ${JSON.stringify(status, null, 1)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function served(): Promise<unknown> {
  const response = await fetch(`${world.serviceUrl('actors')}/version`);
  return response.json();
}

describe('deployer runtime on the local world', () => {
  it('an ECR push of 1.1.0 is rolled out, verified through the load balancer and invalidated', async () => {
    // The startup reconcile moves the seeded tag reference to the 1.0.0 digest first.
    await until((s) => s.sync.state === 'Synced');
    expect(runtime.ready()).toBe(true);
    const pushed = await world.push('actors', '1.1.0');
    const status = await until((s) => s.live?.digest === pushed.digest && s.sync.state === 'Synced');
    expect(status.sync.reason).toBe('RolloutSucceeded');
    expect(await served()).toMatchObject({ digest: pushed.digest });
    const rollout = status.recentRollouts[0];
    expect(rollout).toMatchObject({ result: 'Succeeded', to: { digest: pushed.digest, tag: '1.1.0' } });
    expect(world.invalidations().map((i) => i.callerReference)).toContain(rollout?.id);
    expect(await runtime.metrics.getSingleMetricAsString('ecs_gitops_events_total')).toContain(
      'source="ecr"',
    );
  }, 15_000);

  it('a broken push fails, is rolled back without invalidation and is not retried on resync', async () => {
    const before = await until((s) => s.sync.state === 'Synced');
    const invalidations = world.invalidations().length;
    const pushed = await world.push('actors', '1.2.0', { broken: true });
    const status = await until((s) => s.sync.state === 'Failed');
    expect(status.sync.reason).toBe('DeploymentFailed');
    expect(status.failedDigests.map((f) => f.digest)).toEqual([pushed.digest]);
    expect(status.recentRollouts[0]).toMatchObject({ result: 'RolledBack', to: { digest: pushed.digest } });
    expect(world.invalidations()).toHaveLength(invalidations);
    await until((s) => s.live?.digest === before.live?.digest);
    expect(await served()).toMatchObject({ digest: before.live?.digest });

    const revisions = world.taskDefinitions().length;
    await runtime.enqueue({ kind: 'resync', reason: `test ${Date.now()}` }, AbortSignal.timeout(2_000));
    await until((s) => s.sync.reason === 'DigestBlocked');
    expect(world.taskDefinitions()).toHaveLength(revisions);
  }, 15_000);
});
