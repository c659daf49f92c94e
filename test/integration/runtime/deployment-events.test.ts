// Completion without polling: the runtime on the local world with a fallback poll of 10 minutes, so a
// rollout can only finish in time if the ECS stand-in's "ECS Deployment State Change" events (sent to
// the queue the way the EventBridge rule does) wake it. A success and a circuit-breaker failure.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeployerRuntime } from '../../../deployer/runtime/runtime.ts';
import type { LocalWorld } from '../../../local/world.ts';
import { startRuntimeOnWorld } from '../../support/runtime-on-world.ts';

let world: LocalWorld;
let runtime: DeployerRuntime;
let stopAll: (() => Promise<void>) | undefined;
const FALLBACK_POLL_MS = 600_000;
const CAP = { timeout: 30_000, interval: 50 };

beforeAll(async () => {
  ({
    world,
    runtime,
    stop: stopAll,
  } = await startRuntimeOnWorld({
    name: 'deployment-events',
    actors: { verify: { successes: 1, intervalSeconds: 0.1, timeoutSeconds: 20 } },
    env: { WAIT_POLL_MS: String(FALLBACK_POLL_MS) },
    tuning: { receiveWaitSeconds: 1 },
  }));
}, 30_000);

afterAll(async () => {
  await stopAll?.();
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
