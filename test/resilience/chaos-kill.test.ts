// kill -9 of the real deployer process at random moments across rollouts (the full 50 run is
// `npm run bench:chaos`): every rollout converges, no duplicate revisions or invalidations, no DLQ.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { runChaos } from './support/chaos.ts';

describe('deployer killed with SIGKILL during rollouts', () => {
  it('converges after every kill with one revision and one invalidation per rollout', async () => {
    const report = await runChaos({
      rollouts: 5,
      seed: Number(process.env.CHAOS_SEED ?? 8),
      killWindowMs: 700,
      convergeTimeoutMs: 20_000,
      logger: pino({ level: 'silent' }),
    });

    expect(report.problems).toEqual([]);
    expect(report.samples).toHaveLength(5);
    expect([...report.revisionsPerDigest.values()]).toEqual([1, 1, 1, 1, 1]);
    expect(report.deadLettered).toBe(0);
  }, 60_000);
});
