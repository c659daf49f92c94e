// kill -9 of the real deployer process at random moments across rollouts (the full 50 run is
// `npm run bench:chaos`): every rollout converges, no duplicate revisions or invalidations, no DLQ.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { type KillPoint, runChaos } from './support/chaos.ts';

// Right after the push (the event is still queued or in intake), in the two long steps of a rollout
// (ECS deploying; HTTP verification), then at a random moment.
const PLAN: (KillPoint | undefined)[] = [
  { afterMs: 0 },
  { step: 'Waiting' },
  { step: 'Verifying' },
  undefined,
];

describe('deployer killed with SIGKILL during rollouts', () => {
  it('converges after every kill with one revision and one invalidation per rollout', async () => {
    const report = await runChaos({
      rollouts: 4,
      seed: Number(process.env.CHAOS_SEED ?? 8),
      killWindowMs: 700,
      convergeTimeoutMs: 20_000,
      killPlan: (index) => PLAN[index],
      logger: pino({ level: 'silent' }),
    });

    expect(report.problems).toEqual([]);
    expect(report.samples).toHaveLength(4);
    expect(report.samples.map((sample) => sample.stepAtKill).slice(1, 3)).toEqual(['Waiting', 'Verifying']);
    expect([...report.revisionsPerDigest.values()]).toEqual([1, 1, 1, 1]);
    expect(report.deadLettered).toBe(0);
    expect(report.undrained).toBe(0);
  }, 90_000);
});
