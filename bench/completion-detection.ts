// Rollout completion detection: from the ECS stand-in marking a deployment COMPLETED to the deployer
// runtime noticing (leaving its Waiting step), over BENCH_ROLLOUTS (default 30) rollouts, with the
// runtime's production poll interval WAIT_POLL_MS (default 1000; BENCH_WAIT_POLL_MS overrides).
// Baseline: the AWS SDK's `waitUntilServicesStable` waiter polls DescribeServices every 15 s
// (minDelay 15), so it notices 7.5 s after completion on average and up to 15 s.
// Run: npm run bench:completion
import { SETTINGS_DEFAULTS } from '../deployer/runtime/settings.ts';
import { machineLine } from './support/machine.ts';
import { quietLogger } from './support/quiet-logger.ts';
import { runRolloutCycles } from './support/rollout-cycles.ts';
import { formatMs, formatRatio, mean, percentile } from './support/stats.ts';
import { printTable } from './support/table.ts';
import { startWorldRuntime } from './support/world-runtime.ts';

const ROLLOUTS = Number(process.env.BENCH_ROLLOUTS ?? 30);
const WAIT_POLL_MS = Number(process.env.BENCH_WAIT_POLL_MS ?? SETTINGS_DEFAULTS.waitPollMs);
const WAITER_DELAY_MS = 15_000;

async function main(): Promise<void> {
  process.stdout.write(`${machineLine()}\n`);
  const setup = await startWorldRuntime({ logger: quietLogger('completion'), waitPollMs: WAIT_POLL_MS });
  try {
    const samples = await runRolloutCycles(setup, ROLLOUTS, {
      onProgress: (done) => {
        if (done % 10 === 0) process.stderr.write(`  ${done}/${ROLLOUTS} rollouts\n`);
      },
    });
    const notice = samples.map((sample) => sample.completionNoticeMs);
    const p50 = percentile(notice, 50);
    const max = Math.max(...notice);
    printTable(
      `COMPLETED → deployer notices, over ${samples.length} rollouts (WAIT_POLL_MS=${WAIT_POLL_MS})`,
      ['measure', 'value'],
      [
        ['p50', formatMs(p50)],
        ['p90', formatMs(percentile(notice, 90))],
        ['p99', formatMs(percentile(notice, 99))],
        ['max', formatMs(max)],
        ['mean', formatMs(mean(notice))],
        ['target < 1 s', max < 1000 ? 'met (max)' : p50 < 1000 ? 'met (p50), not at max' : 'NOT met'],
      ],
    );
    printTable(
      'Compared with the SDK waiter waitUntilServicesStable (polls every 15 s)',
      ['baseline', 'expected delay', 'p50 / expected', 'max / worst case'],
      [
        [
          'waitUntilServicesStable',
          formatMs(WAITER_DELAY_MS / 2),
          formatRatio(p50 / (WAITER_DELAY_MS / 2)),
          formatRatio(max / WAITER_DELAY_MS),
        ],
      ],
    );
  } finally {
    await setup.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:completion failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
