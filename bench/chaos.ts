// Chaos: kill -9 the real deployer process after each of BENCH_ROLLOUTS (default 50) ECR pushes and
// restart it at once: every 5th rollout in the Waiting step (ECS deploying), every 5th in Verifying,
// the rest at a random moment within BENCH_KILL_WINDOW_MS of the push. Every rollout must converge
// with exactly one task definition revision and one invalidation per rollout, nothing dead-lettered.
// Run: npm run bench:chaos   (BENCH_CHAOS_SEED replays a schedule; BENCH_KILL_WINDOW_MS, default 700)
import { type KillPoint, runChaos } from '../test/resilience/support/chaos.ts';
import { machineLine } from './support/machine.ts';
import { quietLogger } from './support/quiet-logger.ts';
import { formatMs, mean, percentile } from './support/stats.ts';
import { printTable } from './support/table.ts';

const ROLLOUTS = Number(process.env.BENCH_ROLLOUTS ?? 50);
const SEED = Number(process.env.BENCH_CHAOS_SEED ?? 50);
const KILL_WINDOW_MS = Number(process.env.BENCH_KILL_WINDOW_MS ?? 700);

/** Kills aimed at a step (the harness holds the step until the kill lands); the rest are random in time. */
function killPlan(index: number): KillPoint | undefined {
  if (index % 5 === 1) return { step: 'Waiting' };
  if (index % 5 === 3) return { step: 'Verifying' };
  return undefined;
}

async function main(): Promise<void> {
  process.stdout.write(`${machineLine()}\n`);
  const report = await runChaos({
    rollouts: ROLLOUTS,
    seed: SEED,
    killWindowMs: KILL_WINDOW_MS,
    killPlan,
    convergeTimeoutMs: 30_000,
    logger: quietLogger('chaos'),
    onProgress: (done, sample) =>
      process.stderr.write(
        `  ${done}/${ROLLOUTS} ${sample.tag}: killed at ${sample.killedAfterMs} ms (${sample.stepAtKill}), converged in ${formatMs(sample.convergedMs)}\n`,
      ),
  });
  const steps = new Map<string, number>();
  for (const sample of report.samples) steps.set(sample.stepAtKill, (steps.get(sample.stepAtKill) ?? 0) + 1);
  const converged = report.samples.map((sample) => sample.convergedMs);
  printTable(
    `Chaos: ${report.samples.length} rollouts, one SIGKILL + restart each (seed ${SEED}; 2 in 5 aimed at Waiting/Verifying, the rest random within ${KILL_WINDOW_MS} ms of the push)`,
    ['measure', 'value'],
    [
      ['rollouts converged', `${report.samples.length}/${ROLLOUTS}`],
      ...[...steps].map(([step, count]): [string, string] => [`  killed while: ${step}`, String(count)]),
      ['push → converged p50 (includes restart)', formatMs(percentile(converged, 50))],
      ['push → converged p99', formatMs(percentile(converged, 99))],
      ['push → converged mean', formatMs(mean(converged))],
      ['task definition revisions per rollout', [...new Set(report.revisionsPerDigest.values())].join(', ')],
      ['invalidations per rollout id', [...new Set(report.invalidationsPerReference.values())].join(', ')],
      ['messages dead-lettered', String(report.deadLettered)],
      ['messages left on the queue at the end', String(report.undrained)],
    ],
  );
  if (report.problems.length > 0) {
    process.stdout.write(`\nFAILED:\n${report.problems.join('\n')}\n`);
    process.exitCode = 1;
  } else
    process.stdout.write('\nOK: every rollout converged; no duplicate revision or invalidation; DLQ empty\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:chaos failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
