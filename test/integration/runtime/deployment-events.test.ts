// Completion without polling: the runtime on the local world with a fallback poll of 10 minutes, so a
// rollout can only finish in time if the ECS stand-in's "ECS Deployment State Change" events (sent to
// the queue the way the EventBridge rule does) wake it. A success and a circuit-breaker failure.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
const FALLBACK_POLL_MS = 600_000;
const CAP = { timeout: 30_000, interval: 50 };

beforeAll(async () => {
  world = await startLocalWorld({
    logger: silent,
    timing: RUNTIME_WORLD_TIMING,
    visibilityTimeoutSeconds: 30,
  });
  configRoot = await mkdtemp(path.join(os.tmpdir(), 'deployment-events-'));
  await mkdir(path.join(configRoot, 'services'));
  await writeFile(
    path.join(configRoot, 'services', 'actors.yaml'),
    worldActorsYaml(world, { verify: { successes: 1, intervalSeconds: 1, timeoutSeconds: 20 } }),
  );
  const settings = loadSettings({
    DEPLOYER_MODE: 'local',
    QUEUE_URL: world.queueUrl,
    DLQ_URL: world.dlqUrl,
    CONFIG_PATH: configRoot,
    WAIT_POLL_MS: String(FALLBACK_POLL_MS),
    RESYNC_INTERVAL_SECONDS: '0',
    VISIBILITY_TIMEOUT_SECONDS: '30',
    HEARTBEAT_SECONDS: '5',
  });
  adapters = worldAdapters(world, settings, silent, { maxAttempts: 3, probeTimeoutMs: 2_000 });
  const { destroy: _destroy, ...ports } = adapters;
  runtime = createDeployerRuntime({ settings, logger: silent, ...ports }, { receiveWaitSeconds: 1 });
  await runtime.start();
}, 30_000);

afterAll(async () => {
  await runtime?.stop();
  adapters?.destroy();
  await world?.stop();
  if (configRoot) await rm(configRoot, { recursive: true, force: true });
});

const events = async () => runtime.metrics.getSingleMetricAsString('ecs_gitops_events_total');

describe('rollout completion from ECS deployment events', () => {
  it('a push of 1.1.0 finishes on the COMPLETED event, long before the 10-minute fallback poll', async () => {
    await expect.poll(() => runtime.serviceStatus('actors')?.sync.state, CAP).toBe('Synced');
    const pushed = await world.push('actors', '1.1.0');
    await expect.poll(() => runtime.serviceStatus('actors')?.live?.digest, CAP).toBe(pushed.digest);
    await expect.poll(() => runtime.serviceStatus('actors')?.sync.reason, CAP).toBe('RolloutSucceeded');
    expect(await events()).toContain('source="ecs"');
  }, 45_000);

  it('a broken push is failed on the FAILED event and rolled back on the rollback deployment’s COMPLETED', async () => {
    const pushed = await world.push('actors', '1.2.0', { broken: true });
    await expect.poll(() => runtime.serviceStatus('actors')?.sync.state, CAP).toBe('Failed');
    const status = runtime.serviceStatus('actors');
    expect(status?.recentRollouts[0]).toMatchObject({ result: 'RolledBack', to: { digest: pushed.digest } });
  }, 45_000);
});
