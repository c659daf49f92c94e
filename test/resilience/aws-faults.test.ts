// Fault injection: 20 % of ECS, ECR and CloudFront calls are throttled or fail with 5xx. The deployer
// runtime (production adapters, SDK retries, queue redelivery) must still converge every rollout,
// register exactly one task definition revision per rollout and never crash.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorldRuntime, type WorldRuntime } from '../../bench/support/world-runtime.ts';

const ROLLOUTS = 4;
let setup: WorldRuntime;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  setup = await startWorldRuntime({
    logger: pino({ level: 'silent' }),
    waitPollMs: 100,
    faultRate: 0.2,
    faultSeed: 20,
    tuning: { receiveWaitSeconds: 1, backoffSeconds: () => 1, queueStatsIntervalMs: 500 },
  });
}, 40_000);

afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await setup?.stop();
});

describe('rollouts under 20 % injected AWS faults', () => {
  it(`${ROLLOUTS} consecutive pushes all converge, one revision per rollout, no crash`, async () => {
    const injectedAtStart = setup.world.faults.injected;
    const digests: string[] = [];
    for (let index = 1; index <= ROLLOUTS; index += 1) {
      const pushed = await setup.world.push('actors', `1.5.${index}`);
      digests.push(pushed.digest);
      const status = await setup.until(
        (s) => s.live?.digest === pushed.digest && s.sync.state === 'Synced' && s.currentRollout === null,
        14_000,
      );
      expect(status.recentRollouts[0]).toMatchObject({ result: 'Succeeded', to: { digest: pushed.digest } });
    }

    // The faults really happened (a run without any would prove nothing).
    expect(setup.world.faults.injected - injectedAtStart).toBeGreaterThan(5);
    // Exactly one task definition revision per rolled-out digest: retries found their own work.
    for (const digest of digests) {
      const revisions = setup.world
        .taskDefinitions()
        .filter((definition) => definition.containerDefinitions.some((c) => c.image.endsWith(digest)));
      expect(revisions, `revisions for ${digest}`).toHaveLength(1);
    }
    // One invalidation per rollout id, none repeated.
    const references = setup.world.invalidations().map((invalidation) => invalidation.callerReference);
    const rolloutIds =
      setup.runtime.serviceStatus('actors')?.recentRollouts.map((rollout) => rollout.id) ?? [];
    for (const id of rolloutIds.slice(0, ROLLOUTS))
      expect(references.filter((r) => r === id)).toHaveLength(1);
    expect(setup.runtime.ready()).toBe(true);
    expect(unhandled).toEqual([]);
  }, 60_000);
});
