// Rollout completion detection: from the ECS stand-in marking a deployment COMPLETED to the caller
// noticing, and the ECS calls each rollout costs. Every rollout is watched at once by
// - ecs-gitops: the deployer runtime as shipped (the stand-in sends "ECS Deployment State Change"
//   events to the queue, as the EventBridge rule does; the runtime's own poll is the 30 s fallback);
// - baseline A: the AWS SDK's `waitUntilServicesStable` (@aws-sdk/client-ecs) with its defaults
//   (minDelay 15 s), really run against the ECS stand-in;
// - baseline B: the same waiter at minDelay = maxDelay = 1 s, i.e. a 1 s DescribeServices poll.
// The waiters start when the UpdateService has reached the stand-in and see the same rollouts, so
// the three are compared on identical completion times. Container start times are spread at random
// (uniform BENCH_START_MIN_MS..BENCH_START_MAX_MS, default 2 s..60 s), so no poll lines up by luck.
// Each watcher's calls are counted on the wire by its own proxy (bench/support/aws-latency-proxy.ts).
// A 1 s poll's calls grow with the rollout's length and ours do not, so the ratio depends on how long
// rollouts last: it is reported per duration bucket, and the range reaches the durations a real
// rollout of our stack cannot go below (REALISTIC_FLOOR below, from the documented settings).
// Run: npm run bench:completion   (BENCH_ROLLOUTS, default 12)
import { ECSClient, waitUntilServicesStable } from '@aws-sdk/client-ecs';
import { SETTINGS_DEFAULTS } from '../deployer/runtime/settings.ts';
import type { PushResult } from '../local/ecr/registry.ts';
import type { LocalDeployment } from '../local/ecs/model.ts';
import { type AwsLatencyProxy, startAwsLatencyProxy } from './support/aws-latency-proxy.ts';
import { machineLine } from './support/machine.ts';
import { quietLogger } from './support/quiet-logger.ts';
import { randomStartTaskCommand } from './support/random-start-task.ts';
import { deploymentFor, runRolloutCycles } from './support/rollout-cycles.ts';
import { formatMs, formatRatio, percentile } from './support/stats.ts';
import { printTable } from './support/table.ts';
import { startWorldRuntime, type WorldRuntime } from './support/world-runtime.ts';

const ROLLOUTS = Number(process.env.BENCH_ROLLOUTS ?? 12);
const START_MIN_MS = Number(process.env.BENCH_START_MIN_MS ?? 2000);
const START_MAX_MS = Number(process.env.BENCH_START_MAX_MS ?? 60000);
/** Rollout durations (UpdateService → COMPLETED) the ratio is reported for, in ms. */
const BUCKETS = [
  { label: '< 10 s', from: 0, to: 10_000 },
  { label: '10-30 s', from: 10_000, to: 30_000 },
  { label: '>= 30 s (our stack on real ECS)', from: 30_000, to: Number.POSITIVE_INFINITY },
];
/**
 * The shortest rolling update our stack can make on real ECS, from its documented settings (the
 * Fargate launch itself, image pull included, comes on top; AWS publishes no figure for it). ECS
 * completes a rolling deployment once the new tasks are running and healthy and the old ones are
 * cleaned up (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/early-success-criteria.html).
 * - new task healthy: ECS waits for the load balancer to report the target healthy, and a newly
 *   registered target must pass one ALB health check
 *   (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/load-balancer-healthcheck.html: every
 *   10 s in infra/lib/public-edge.ts, the ALB default 30 s), and for its container health check, whose
 *   first run comes one `interval` after the start (15 s in infra/lib/actors-service.ts;
 *   https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_HealthCheck.html): at least 15 s;
 * - old task cleaned up: deregistered from the target group and drained for the deregistration delay
 *   (15 s in public-edge.ts; the ALB default is 300 s:
 *   https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-target-group-attributes.html#deregistration-delay),
 *   then stopped.
 */
const REALISTIC_FLOOR = [
  { setting: 'our stack (container check 15 s, ALB check 10 s, deregistration 15 s)', ms: 15_000 + 15_000 },
  { setting: 'ALB defaults (check every 30 s, deregistration delay 300 s)', ms: 15_000 + 300_000 },
];

interface Watcher {
  name: string;
  /** Completion noticed minus deployment COMPLETED, per rollout (ms). */
  delays: number[];
  /** ECS calls per rollout, by operation. */
  ecsCalls: number[];
  /** DescribeServices per rollout, all steps (the waiters only wait, so theirs are all waiting). */
  describes: number[];
  /** DescribeServices from the UpdateService until the watcher noticed completion. */
  waitingDescribes: number[];
}

interface Waiter extends Watcher {
  proxy: AwsLatencyProxy;
  client: ECSClient;
  delay: { minDelay: number; maxDelay: number };
}

async function newWaiter(setup: WorldRuntime, name: string, seconds?: number): Promise<Waiter> {
  const proxy = await startAwsLatencyProxy(setup.world, { latencyMs: 0 });
  const client = new ECSClient({
    endpoint: proxy.endpoints.ecs,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  // Unset: the waiter's own defaults (minDelay 15 s, maxDelay 600 s in waitForServicesStable.js).
  const delay = seconds ? { minDelay: seconds, maxDelay: seconds } : { minDelay: 15, maxDelay: 600 };
  return { name, proxy, client, delay, delays: [], ecsCalls: [], describes: [], waitingDescribes: [] };
}

/** Resolves with the deployment once the stand-in has handled the UpdateService for `digest`. */
async function updateArrived(setup: WorldRuntime, digest: string): Promise<LocalDeployment> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const deployment = deploymentFor(setup, digest);
    if (deployment) return deployment;
    if (Date.now() > deadline) throw new Error(`no UpdateService for ${digest} within 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** Stops the waiters when the run fails, or they would keep the process alive for maxWaitTime. */
const giveUp = new AbortController();

async function watchWithWaiter(waiter: Waiter, setup: WorldRuntime, pushed: PushResult): Promise<void> {
  const deployment = await updateArrived(setup, pushed.digest);
  const mark = waiter.proxy.calls.mark();
  const defaults = waiter.delay.minDelay === 15 && waiter.delay.maxDelay === 600;
  await waitUntilServicesStable(
    {
      client: waiter.client,
      maxWaitTime: 900,
      abortSignal: giveUp.signal,
      ...(defaults ? {} : waiter.delay),
    },
    { cluster: 'gitops', services: ['actors'] },
  );
  const noticedAt = Date.now();
  if (deployment.rolloutState !== 'COMPLETED')
    throw new Error(`${waiter.name}: stable while the deployment is ${deployment.rolloutState}`);
  waiter.delays.push(noticedAt - deployment.updatedAt.getTime());
  const calls = waiter.proxy.calls.byOperation(mark);
  waiter.describes.push(calls.get('ecs:DescribeServices') ?? 0);
  waiter.waitingDescribes.push(calls.get('ecs:DescribeServices') ?? 0);
  waiter.ecsCalls.push([...calls.values()].reduce((sum, count) => sum + count, 0));
}

async function main(): Promise<void> {
  process.stdout.write(`${machineLine()}\n`);
  const setup = await startWorldRuntime({
    logger: quietLogger('completion'),
    waitPollMs: SETTINGS_DEFAULTS.waitPollMs,
    deploymentEvents: true,
    awsLatencyMs: 0,
    taskCommand: randomStartTaskCommand(START_MIN_MS, START_MAX_MS),
    healthTimeoutMs: START_MAX_MS + 5_000,
  });
  const waiters = [
    await newWaiter(setup, 'baseline A: SDK waitUntilServicesStable, defaults (minDelay 15 s)'),
    await newWaiter(setup, 'baseline B: SDK waitUntilServicesStable, minDelay = maxDelay = 1 s', 1),
  ];
  const ours: Watcher = {
    name: `ecs-gitops: ECS events, fallback poll ${SETTINGS_DEFAULTS.waitPollMs / 1000} s`,
    delays: [],
    ecsCalls: [],
    describes: [],
    waitingDescribes: [],
  };
  /** UpdateService handled → COMPLETED, per rollout: what the watchers wait through. */
  const rolloutMs: number[] = [];
  try {
    const runtimeCalls = setup.awsCalls;
    if (!runtimeCalls) throw new Error('the runtime is not behind the counting proxy');
    let mark = runtimeCalls.mark();
    const samples = await runRolloutCycles(setup, ROLLOUTS, {
      settleMs: 500,
      rolloutTimeoutMs: START_MAX_MS + 30_000,
      alongside: async (pushed) => {
        await Promise.all(waiters.map((waiter) => watchWithWaiter(waiter, setup, pushed)));
      },
      onProgress: (done) => {
        if (done % 5 === 0) process.stderr.write(`  ${done}/${ROLLOUTS} rollouts\n`);
        const calls = runtimeCalls.calls.slice(mark).filter((call) => call.api === 'ecs');
        mark = runtimeCalls.mark();
        ours.ecsCalls.push(calls.length);
        ours.describes.push(calls.filter((call) => call.operation === 'DescribeServices').length);
      },
    });
    for (const sample of samples) {
      ours.delays.push(sample.completionNoticeMs);
      const noticedAt = sample.completedAt + sample.completionNoticeMs;
      ours.waitingDescribes.push(
        runtimeCalls
          .between(sample.updateServiceAt, noticedAt)
          .filter((call) => call.api === 'ecs' && call.operation === 'DescribeServices').length,
      );
      rolloutMs.push(sample.completedAt - sample.updateServiceAt);
    }
  } finally {
    giveUp.abort();
    for (const waiter of waiters) {
      waiter.client.destroy();
      await waiter.proxy.stop();
    }
    await setup.stop();
  }
  process.stdout.write(`${machineLine()}\n`);
  const watchers = [ours, ...waiters];
  const mid = (values: number[]) => percentile(values, 50);
  printTable(
    `COMPLETED → noticed, ${ROLLOUTS} rollouts watched by all three at once (container start ${START_MIN_MS}-${START_MAX_MS} ms at random)`,
    [
      'watcher',
      'p50',
      'p99',
      'max',
      'DescribeServices while waiting',
      'DescribeServices / rollout',
      'ECS calls / rollout',
    ],
    watchers.map((watcher) => [
      watcher.name,
      formatMs(percentile(watcher.delays, 50)),
      formatMs(percentile(watcher.delays, 99)),
      formatMs(Math.max(...watcher.delays)),
      mid(watcher.waitingDescribes).toFixed(0),
      mid(watcher.describes).toFixed(0),
      mid(watcher.ecsCalls).toFixed(0),
    ]),
  );
  process.stdout.write(
    `rollouts (UpdateService → COMPLETED on the stand-in): p50 ${formatMs(mid(rolloutMs))}, min ${formatMs(Math.min(...rolloutMs))}, max ${formatMs(Math.max(...rolloutMs))}\n` +
      "ECS calls: the waiters' from UpdateService to stable; ecs-gitops' for the whole rollout (reads, register, update, wait). Medians.\n",
  );
  const [waiterDefault, poll1s] = waiters as [Waiter, Waiter];
  const ratio = (baseline: Watcher, f: (watcher: Watcher) => number) => formatRatio(f(ours) / f(baseline));
  printTable(
    'ecs-gitops / baseline (same rollouts)',
    ['measure', 'vs A (waiter defaults)', 'vs B (1 s poll)'],
    [
      ['p50 delay', ...[waiterDefault, poll1s].map((b) => ratio(b, (w) => percentile(w.delays, 50)))],
      ['p99 delay', ...[waiterDefault, poll1s].map((b) => ratio(b, (w) => percentile(w.delays, 99)))],
      [
        'DescribeServices while waiting',
        ...[waiterDefault, poll1s].map((b) => ratio(b, (w) => mid(w.waitingDescribes))),
      ],
      [
        'DescribeServices / rollout (ours: all steps)',
        ...[waiterDefault, poll1s].map((b) => ratio(b, (w) => mid(w.describes))),
      ],
    ],
  );
  // Per duration bucket: the same rollouts, the poll's calls against ours (medians within the bucket).
  printTable(
    'DescribeServices per rollout by rollout duration (UpdateService → COMPLETED on the stand-in)',
    ['rollout duration', 'rollouts', 'p50 duration', 'ecs-gitops', 'B: 1 s poll', 'B / ecs-gitops'],
    BUCKETS.map((bucket) => {
      const inBucket = rolloutMs.flatMap((ms, i) => (ms >= bucket.from && ms < bucket.to ? [i] : []));
      const ofBucket = (watcher: Watcher) => mid(inBucket.map((i) => watcher.describes[i] ?? Number.NaN));
      if (inBucket.length === 0) return [bucket.label, '0', '-', '-', '-', '-'];
      return [
        bucket.label,
        String(inBucket.length),
        formatMs(mid(inBucket.map((i) => rolloutMs[i] ?? Number.NaN))),
        ofBucket(ours).toFixed(0),
        ofBucket(poll1s).toFixed(0),
        `${(ofBucket(poll1s) / Math.max(1, ofBucket(ours))).toFixed(1)}x`,
      ];
    }),
  );
  // What the measured rate gives for the shortest real rollouts (a projection, not a measurement): the
  // poll's DescribeServices per second of rollout; ours, the decision's read plus the wait's fallback
  // look every WAIT_POLL_MS (ECS events are best effort), which the >= 30 s bucket above shows.
  const pollPerSecond =
    rolloutMs.reduce((sum, _, i) => sum + (poll1s.describes[i] ?? 0), 0) /
    (rolloutMs.reduce((sum, ms) => sum + ms, 0) / 1000);
  const oursFor = (ms: number) => 1 + Math.floor(ms / SETTINGS_DEFAULTS.waitPollMs);
  printTable(
    'Projected for the shortest real rollout of our stack (documented settings; Fargate launch not included)',
    [
      'setting',
      'rollout at least',
      'B: 1 s poll (measured rate × duration)',
      `ecs-gitops (1 + a fallback look per ${SETTINGS_DEFAULTS.waitPollMs / 1000} s)`,
      'B / ecs-gitops',
    ],
    REALISTIC_FLOOR.map((floor) => [
      floor.setting,
      formatMs(floor.ms),
      (pollPerSecond * (floor.ms / 1000)).toFixed(0),
      String(oursFor(floor.ms)),
      `${((pollPerSecond * (floor.ms / 1000)) / oursFor(floor.ms)).toFixed(1)}x`,
    ]),
  );
  const p99 = percentile(ours.delays, 99);
  // Conservative: all of ours (reads before the update included) against the poll's waiting alone.
  const fewer = mid(poll1s.describes) / Math.max(1, mid(ours.describes));
  process.stdout.write(
    `\ngoal: completion noticed p99 < 1 s: ${p99 < 1000 ? 'met' : 'NOT met'} (${formatMs(p99)}); ` +
      `10x fewer DescribeServices per rollout than a 1 s poll: ${fewer >= 10 ? 'met' : 'NOT met'} (${fewer.toFixed(1)}x ` +
      `on rollouts of p50 ${formatMs(mid(rolloutMs))}; a 1 s poll's count grows with the rollout's length, ours does not)\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:completion failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
