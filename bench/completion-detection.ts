// Rollout completion detection: from the ECS stand-in marking a deployment COMPLETED to the deployer
// runtime noticing (leaving its Waiting step), and the DescribeServices calls each rollout costs,
// measured in one run for two setups over BENCH_ROLLOUTS (default 20) rollouts each:
// - baseline: no ECS events, the runtime polls every second (WAIT_POLL_MS=1000, the previous default);
// - ecs-gitops: the stand-in sends "ECS Deployment State Change" events to the queue (as the EventBridge
//   rule does) and the runtime's poll is only the 30 s fallback (the production default).
// The SDK's own waiter (`waitUntilServicesStable`, minDelay 15 s) would notice 7.5 s late on average.
// Run: npm run bench:completion (BENCH_WAIT_POLL_MS changes the baseline's poll).
import { SETTINGS_DEFAULTS } from '../deployer/runtime/settings.ts';
import { machineLine } from './support/machine.ts';
import { quietLogger } from './support/quiet-logger.ts';
import { type CycleSample, runRolloutCycles } from './support/rollout-cycles.ts';
import { formatMs, formatRatio, percentile } from './support/stats.ts';
import { printTable } from './support/table.ts';
import { startWorldRuntime } from './support/world-runtime.ts';

const ROLLOUTS = Number(process.env.BENCH_ROLLOUTS ?? 20);
const BASELINE_POLL_MS = Number(process.env.BENCH_WAIT_POLL_MS ?? 1000);

interface Run {
  name: string;
  samples: CycleSample[];
  describesPerRollout: number;
}

async function measure(name: string, waitPollMs: number, deploymentEvents: boolean): Promise<Run> {
  const setup = await startWorldRuntime({ logger: quietLogger('completion'), waitPollMs, deploymentEvents });
  try {
    const describes = () =>
      (setup.ecsCalls.get('describeService') ?? 0) + (setup.ecsCalls.get('describeServices') ?? 0);
    const before = describes();
    const samples = await runRolloutCycles(setup, ROLLOUTS, {
      onProgress: (done) => {
        if (done % 10 === 0) process.stderr.write(`  ${name}: ${done}/${ROLLOUTS} rollouts\n`);
      },
    });
    const made = describes() - before;
    return { name, samples, describesPerRollout: made / samples.length };
  } finally {
    await setup.stop();
  }
}

async function main(): Promise<void> {
  process.stdout.write(`${machineLine()}\n`);
  const baseline = await measure(
    `baseline: poll every ${BASELINE_POLL_MS} ms, no events`,
    BASELINE_POLL_MS,
    false,
  );
  const ours = await measure(
    `ecs-gitops: ECS events, fallback poll ${SETTINGS_DEFAULTS.waitPollMs / 1000} s`,
    SETTINGS_DEFAULTS.waitPollMs,
    true,
  );
  process.stdout.write(`${machineLine()}\n`);
  const notice = (run: Run) => run.samples.map((sample) => sample.completionNoticeMs);
  const row = (run: Run) => {
    const values = notice(run);
    return [
      run.name,
      formatMs(percentile(values, 50)),
      formatMs(percentile(values, 90)),
      formatMs(percentile(values, 99)),
      formatMs(Math.max(...values)),
      run.describesPerRollout.toFixed(1),
    ];
  };
  printTable(
    `COMPLETED → deployer notices, ${ROLLOUTS} rollouts each (DescribeServices: the runtime's calls per rollout, all steps)`,
    ['setup', 'p50', 'p90', 'p99', 'max', 'DescribeServices / rollout'],
    [row(baseline), row(ours)],
  );
  const ratio = (f: (run: Run) => number) => formatRatio(f(ours) / f(baseline));
  printTable(
    'ecs-gitops / baseline (same run)',
    ['measure', 'ratio'],
    [
      ['p50 delay', ratio((run) => percentile(notice(run), 50))],
      ['p99 delay', ratio((run) => percentile(notice(run), 99))],
      ['DescribeServices per rollout', ratio((run) => run.describesPerRollout)],
    ],
  );
  const p99 = percentile(notice(ours), 99);
  const fewer = baseline.describesPerRollout / ours.describesPerRollout;
  process.stdout.write(
    `\ntarget: p99 < 1 s ${p99 < 1000 ? 'met' : 'NOT met'} (${formatMs(p99)}); ` +
      `10x fewer DescribeServices than the 1 s poll ${fewer >= 10 ? 'met' : 'NOT met'} (${fewer.toFixed(1)}x)\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:completion failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
