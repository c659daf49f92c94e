// The runtime (no HTTP) against the local world through the production adapters: SQS (fauxqs), the
// ECS/ECR/CloudFront stand-ins, tasks as real processes behind the local load balancer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceStatus } from '../../../deployer/contract/status-model.ts';
import type { DeployerRuntime } from '../../../deployer/runtime/runtime.ts';
import type { LocalWorld } from '../../../local/world.ts';
import { startRuntimeOnWorld } from '../../support/runtime-on-world.ts';
import { untilService } from '../../support/until-status.ts';

let world: LocalWorld;
let runtime: DeployerRuntime;
let stopAll: (() => Promise<void>) | undefined;

beforeAll(async () => {
  ({
    world,
    runtime,
    stop: stopAll,
  } = await startRuntimeOnWorld({
    name: 'runtime-world',
    actors: {
      verify: { successes: 2, intervalSeconds: 0.1, timeoutSeconds: 20 },
      rolloutTimeoutSeconds: 20,
    },
    env: { WAIT_POLL_MS: '100' },
    tuning: { receiveWaitSeconds: 1, queueStatsIntervalMs: 500 },
  }));
}, 30_000);

afterAll(async () => {
  await stopAll?.();
});

const until = (done: (s: ServiceStatus) => boolean) => untilService(runtime, 'actors', done);

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
