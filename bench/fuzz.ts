// Fuzz the webhook endpoint and the event parsers with 10,000 cases per property (the resilience
// test runs ~1,000): never a 5xx, nothing unsigned queued, heap stable. Run: npm run bench:fuzz
// BENCH_FUZZ_RUNS (default 10000), BENCH_FUZZ_SEED (replay a failure).
import { runWebhookFuzz } from '../test/resilience/support/webhook-fuzz.ts';
import { machineLine } from './support/machine.ts';
import { formatBytes, formatMs } from './support/stats.ts';
import { printTable } from './support/table.ts';

async function main(): Promise<void> {
  process.stdout.write(`${machineLine()}\n`);
  const numRuns = Number(process.env.BENCH_FUZZ_RUNS ?? 10_000);
  const seed = process.env.BENCH_FUZZ_SEED === undefined ? undefined : Number(process.env.BENCH_FUZZ_SEED);
  const started = performance.now();
  const report = await runWebhookFuzz({ numRuns, ...(seed === undefined ? {} : { seed }) });
  const elapsed = performance.now() - started;
  const fiveXx = Object.entries(report.byStatus).filter(([status]) => Number(status) >= 500);
  printTable(
    `Webhook fuzz: ${numRuns} cases per property (unsigned deliveries, signed hostile payloads, parsers)`,
    ['measure', 'value'],
    [
      ['HTTP requests', report.requests],
      ...Object.entries(report.byStatus).map(([status, count]): [string, number] => [
        `  answered ${status}`,
        count,
      ]),
      ['signed pushes queued (exactly one message each)', report.queued],
      ['5xx answers', fiveXx.reduce((sum, [, count]) => sum + count, 0)],
      ['heap used before (after GC)', formatBytes(report.heapBeforeBytes)],
      ['heap used after (after GC)', formatBytes(report.heapAfterBytes)],
      ['heap growth', formatBytes(Math.max(0, report.heapAfterBytes - report.heapBeforeBytes))],
      ['wall time', formatMs(elapsed)],
    ],
  );
  process.stdout.write('\nOK: no 5xx, nothing unsigned queued, parsers never threw\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:fuzz failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
