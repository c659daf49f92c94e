// Event → action latency with injected per-AWS-call latency: from an ECR push event sent to the SQS
// queue to the UpdateService call arriving at the ECS stand-in, BENCH_EVENTS (default 40) sequential
// pushes per setting, with the deployer runtime in this process on its production adapters. Every AWS
// call (ECS, ECR, CloudFront, SSM, Logs, SQS) goes through a loopback proxy that adds the injected
// latency (bench/support/aws-latency-proxy.ts); 0 ms is the baseline, measured in the same run.
// Run: npm run bench:latency   BENCH_LATENCIES_MS=0,50 (default), BENCH_EVENTS=40,
//      BENCH_FAULT_RATE=0.2 adds injected AWS throttling/5xx.
import { machineLine } from './support/machine.ts';
import { quietLogger } from './support/quiet-logger.ts';
import { type CycleSample, runRolloutCycles } from './support/rollout-cycles.ts';
import { formatMs, formatRatio, percentile } from './support/stats.ts';
import { printTable } from './support/table.ts';
import { startWorldRuntime } from './support/world-runtime.ts';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 40);
const LATENCIES_MS = (process.env.BENCH_LATENCIES_MS ?? '0,50').split(',').map(Number);
const WAIT_POLL_MS = Number(process.env.BENCH_WAIT_POLL_MS ?? 100);
/** Fraction of ECS/ECR/CloudFront calls the stand-ins fail (throttling/5xx), e.g. 0.2. */
const FAULT_RATE = Number(process.env.BENCH_FAULT_RATE ?? 0);
/** The goal: with 50 ms per AWS call, event → UpdateService p50 under 250 ms. */
const GOAL_P50_AT_50_MS = 250;

interface Run {
  latencyMs: number;
  samples: CycleSample[];
  /** Median AWS calls (by api:operation) received between the push and the UpdateService. */
  callsBeforeUpdate: Map<string, number>;
  /** The latency proxy's own time per answered call in those windows (aws-latency-proxy.ts proxyMs). */
  proxyMs: number[];
}

async function measure(latencyMs: number): Promise<Run> {
  const setup = await startWorldRuntime({
    logger: quietLogger('latency'),
    waitPollMs: WAIT_POLL_MS,
    faultRate: FAULT_RATE,
    awsLatencyMs: latencyMs,
  });
  try {
    const samples = await runRolloutCycles(setup, EVENTS, {
      onProgress: (done) => {
        if (done % 10 === 0) process.stderr.write(`  ${latencyMs} ms: ${done}/${EVENTS} rollouts\n`);
      },
    });
    const proxyMs: number[] = [];
    const perCycle = samples.map((sample) => {
      const counts = new Map<string, number>();
      for (const call of setup.awsCalls?.between(sample.sentAt, sample.updateServiceAt) ?? []) {
        if (call.proxyMs !== undefined && call.operation !== 'ReceiveMessage') proxyMs.push(call.proxyMs);
        const key = `${call.api}:${call.operation}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      return counts;
    });
    const keys = new Set(perCycle.flatMap((counts) => [...counts.keys()]));
    const callsBeforeUpdate = new Map(
      [...keys].sort().map((key) => [
        key,
        percentile(
          perCycle.map((counts) => counts.get(key) ?? 0),
          50,
        ),
      ]),
    );
    return { latencyMs, samples, callsBeforeUpdate, proxyMs };
  } finally {
    await setup.stop();
  }
}

async function main(): Promise<void> {
  process.stdout.write(`${machineLine()}\n`);
  if (FAULT_RATE > 0)
    process.stdout.write(`fault injection: ${FAULT_RATE * 100} % of AWS calls throttled or 5xx\n`);
  const runs: Run[] = [];
  for (const latencyMs of LATENCIES_MS) runs.push(await measure(latencyMs));
  process.stdout.write(`${machineLine()}\n`);
  const detection = (run: Run) => run.samples.map((sample) => sample.detectionMs);
  const baseline = runs[0] as Run;
  const baselineP50 = percentile(detection(baseline), 50);
  printTable(
    `Event → UpdateService, ${EVENTS} ECR pushes per row (each a full rollout); baseline: ${baseline.latencyMs} ms injected, same run`,
    ['injected per AWS call', 'p50', 'p95', 'p99', 'p50 / baseline', 'round trips implied (Δp50 / latency)'],
    runs.map((run) => {
      const p50 = percentile(detection(run), 50);
      return [
        `${run.latencyMs} ms`,
        formatMs(p50),
        formatMs(percentile(detection(run), 95)),
        formatMs(percentile(detection(run), 99)),
        formatRatio(p50 / baselineP50),
        run.latencyMs > 0 ? ((p50 - baselineP50) / run.latencyMs).toFixed(1) : '-',
      ];
    }),
  );
  // Where the time goes: the SQS hops (push → intake's receive, its SendMessage → the reconcile's
  // receive) and the reconcile's own AWS round trips (its receive → UpdateService at the stand-in).
  const p50Of = (run: Run, value: (sample: CycleSample) => number) =>
    formatMs(percentile(run.samples.map(value).filter(Number.isFinite), 50));
  printTable(
    'Event → UpdateService by leg (p50)',
    [
      'injected per AWS call',
      'push → image-push received',
      'image-push received → reconcile received',
      'reconcile received → UpdateService',
    ],
    runs.map((run) => [
      `${run.latencyMs} ms`,
      p50Of(run, (sample) => sample.intakeReceivedMs),
      p50Of(run, (sample) => sample.reconcileReceivedMs - sample.intakeReceivedMs),
      p50Of(run, (sample) => sample.detectionMs - sample.reconcileReceivedMs),
    ]),
  );
  const keys = [...new Set(runs.flatMap((run) => [...run.callsBeforeUpdate.keys()]))].sort();
  printTable(
    'AWS calls between the push and the UpdateService (median per event; SQS long polls included)',
    ['api:operation', ...runs.map((run) => `${run.latencyMs} ms`)],
    keys.map((key) => [key, ...runs.map((run) => String(run.callsBeforeUpdate.get(key) ?? 0))]),
  );
  printTable(
    "The latency proxy's own time per AWS call in those windows, beyond the injected latency and the stand-in's answer (SQS long polls left out)",
    ['injected per AWS call', 'calls', 'p50', 'p95', 'sequential calls on the path (push → UpdateService)'],
    runs.map((run) => [
      `${run.latencyMs} ms`,
      String(run.proxyMs.length),
      `${percentile(run.proxyMs, 50).toFixed(1)} ms`,
      `${percentile(run.proxyMs, 95).toFixed(1)} ms`,
      // The push's and the reconcile's receive answers, SendMessage, RegisterTaskDefinition, UpdateService.
      '5',
    ]),
  );
  const at50 = runs.find((run) => run.latencyMs === 50);
  if (at50) {
    const p50 = percentile(detection(at50), 50);
    process.stdout.write(
      `\ngoal: p50 < ${GOAL_P50_AT_50_MS} ms with 50 ms per AWS call: ${p50 < GOAL_P50_AT_50_MS ? 'met' : 'NOT met'} (${formatMs(p50)})\n`,
    );
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:latency failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
