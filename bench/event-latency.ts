// Event → action latency: from an ECR push event sent to the SQS queue (fauxqs) to the UpdateService
// call arriving at the ECS stand-in, over BENCH_EVENTS (default 200) sequential pushes, with the
// deployer runtime in this process on its production adapters. Compared with polling-based
// deployers, whose expected detection delay is half their poll interval (60 s and 180 s polls).
// Run: npm run bench:latency   (BENCH_FAULT_RATE=0.2 adds injected AWS throttling/5xx)
import { machineLine } from './support/machine.ts';
import { quietLogger } from './support/quiet-logger.ts';
import { runRolloutCycles } from './support/rollout-cycles.ts';
import { formatMs, formatRatio, mean, percentile } from './support/stats.ts';
import { printTable } from './support/table.ts';
import { startWorldRuntime } from './support/world-runtime.ts';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 200);
const WAIT_POLL_MS = Number(process.env.BENCH_WAIT_POLL_MS ?? 100);
/** Fraction of ECS/ECR/CloudFront calls the stand-ins fail (throttling/5xx), e.g. 0.2. */
const FAULT_RATE = Number(process.env.BENCH_FAULT_RATE ?? 0);
/** AWS SDK retry mode to compare (`standard` | `adaptive`); default: the deployer's own. */
const RETRY_MODE = process.env.BENCH_RETRY_MODE as 'standard' | 'adaptive' | undefined;

async function main(): Promise<void> {
  process.stdout.write(`${machineLine()}\n`);
  const setup = await startWorldRuntime({
    logger: quietLogger('latency'),
    waitPollMs: WAIT_POLL_MS,
    faultRate: FAULT_RATE,
    ...(RETRY_MODE ? { retryMode: RETRY_MODE } : {}),
  });
  if (FAULT_RATE > 0)
    process.stdout.write(`fault injection: ${FAULT_RATE * 100} % of AWS calls throttled or 5xx\n`);
  try {
    const started = performance.now();
    const samples = await runRolloutCycles(setup, EVENTS, {
      onProgress: (done) => {
        if (done % 20 === 0) process.stderr.write(`  ${done}/${EVENTS} rollouts\n`);
      },
    });
    const elapsed = performance.now() - started;
    const latencies = samples.map((sample) => sample.detectionMs);
    const p50 = percentile(latencies, 50);
    const p99 = percentile(latencies, 99);
    printTable(
      `Event → UpdateService latency over ${samples.length} ECR pushes (each a full rollout; ${formatMs(elapsed)} in total)`,
      ['measure', 'value'],
      [
        ['p50', formatMs(p50)],
        ['p90', formatMs(percentile(latencies, 90))],
        ['p99', formatMs(p99)],
        ['max', formatMs(Math.max(...latencies))],
        ['mean', formatMs(mean(latencies))],
        ['target p50 < 100 ms', p50 < 100 ? 'met' : 'NOT met'],
      ],
    );
    const parts = (pick: (sample: (typeof samples)[number]) => number) => {
      const values = samples.map(pick).filter(Number.isFinite);
      return [formatMs(percentile(values, 50)), formatMs(percentile(values, 99))];
    };
    printTable(
      'Where the time goes (cumulative from the push; p50 / p99 of each milestone)',
      ['milestone', 'p50', 'p99'],
      [
        ['runtime receives the ECR event (SQS hop 1)', ...parts((s) => s.intakeReceivedMs)],
        ['runtime receives the reconcile it queued (SQS hop 2)', ...parts((s) => s.reconcileReceivedMs)],
        ['UpdateService arrives at ECS (reads, plan, register, update)', ...parts((s) => s.detectionMs)],
      ],
    );
    printTable(
      'Compared with polling (expected detection delay = half the interval; worst case = the interval)',
      ['baseline', 'expected delay', 'p50 / expected', 'p99 / worst case'],
      [60_000, 180_000].map((interval) => [
        `poll every ${interval / 1000} s`,
        formatMs(interval / 2),
        formatRatio(p50 / (interval / 2)),
        formatRatio(p99 / interval),
      ]),
    );
  } finally {
    await setup.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:latency failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
