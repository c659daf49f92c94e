// A bad canary and the strategy gate: how fast the deployer rolls it back, and how many user requests
// reach it first. The local ECS stand-in runs a CANARY deployment (10 % of production for the canary
// bake) of an image that is healthy to ECS but answers HTTP 500 (pushed with `servesErrors`), while a
// client sends production requests at a fixed rate through the local load balancer. The gate runs as the
// deployer runs it (rollout/update.ts + wait.ts + strategy-gate.ts over the production ECS adapter). Per run:
// - detection: from the canary's first production share at the load balancer to the gate's first HTTP 500;
// - failing probe → StopServiceDeployment sent, and → the load balancer's weights back on the old revision;
// - the share of production requests the bad revision served between the canary start and that moment
//   (load balancer counters, GET /_local/traffic/<service>).
// Compared: ecs-gitops probing through the test header and production (the config has `testTraffic`),
// against the baseline "production-only probing" (no test header: a probe reaches the canary only when
// the load balancer happens to send it there). Timings on a loaded machine are longer: read them with
// the load average printed below. A local ECS "minute" lasts BENCH_MINUTE_MS.
// Run: npm run bench:canary   (BENCH_RUNS per mode, default 5; BENCH_PROBE_INTERVAL_S, default 1)
import { DescribeTaskDefinitionCommand, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { createAwsClients } from '../deployer/adapters/aws/clients.ts';
import { EcsAdapter } from '../deployer/adapters/aws/ecs-adapter.ts';
import { HttpVerifyProbe } from '../deployer/adapters/http/verify-probe.ts';
import { SystemClock } from '../deployer/adapters/system-clock.ts';
import type { StrategySettings } from '../deployer/domain/rollout-strategy.ts';
import { complete } from '../deployer/runtime/rollout/deploy.ts';
import type { RolloutContext } from '../deployer/runtime/rollout/rollout-context.ts';
import { updateService } from '../deployer/runtime/rollout/update.ts';
import { ECHO_TASK_COMMAND } from '../local/task-commands.ts';
import { type LocalWorld, startLocalWorld } from '../local/world.ts';
import { actorsServiceConfig, FakeCdn, silentLogger } from '../test/support/fakes/index.ts';
import { machineLine } from './support/machine.ts';
import { quietLogger } from './support/quiet-logger.ts';
import { formatMs, mean, percentile } from './support/stats.ts';
import { printTable } from './support/table.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const PROBE_INTERVAL_S = Number(process.env.BENCH_PROBE_INTERVAL_S ?? 1);
const MINUTE_MS = Number(process.env.BENCH_MINUTE_MS ?? 1000);
/** Production requests per second from the simulated users. */
const USER_RPS = Number(process.env.BENCH_USER_RPS ?? 100);
const CANARY = { percent: 10, bakeMinutes: 10 };
const HEADER = { name: 'x-test-traffic', value: '1' };

interface RunResult {
  /** UpdateService sent → the gate's first HTTP 500. */
  detectionMs: number;
  /** Did the canary get its production share before the rollback (false: caught at test traffic). */
  canaryServed: boolean;
  stopSentMs: number;
  /** First 500 → the load balancer sends the bad revision no production traffic (again). */
  trafficBackMs: number;
  /** First 500 → ECS reports the rollback done (the wait step returns). */
  rolledBackMs: number;
  badRequests: number;
  shareBad: number;
}

type Counts = { bad: number; total: number };

function production(world: LocalWorld, badGroup: string): Counts {
  const groups = world.traffic('actors').targetGroups;
  const total = Object.values(groups).reduce((sum, group) => sum + group.production, 0);
  return { bad: groups[badGroup]?.production ?? 0, total };
}

/** Fixed-rate production requests (no test header) until stopped. */
function users(world: LocalWorld): () => void {
  const url = `${world.serviceUrl('actors')}/version`;
  const timer = setInterval(() => {
    fetch(url)
      .then((response) => response.arrayBuffer())
      .catch(() => undefined);
  }, 1000 / USER_RPS);
  return () => clearInterval(timer);
}

async function registerBadRevision(world: LocalWorld, tag: string): Promise<{ arn: string; digest: string }> {
  const pushed = await world.push('actors', tag, { servesErrors: true });
  const clients = createAwsClients({
    endpoints: { ecs: world.endpoints.ecs },
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  try {
    const current = await clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'actors' }));
    const container = current.taskDefinition?.containerDefinitions?.[0];
    if (!container) throw new Error('actors has no container');
    const environment = (container.environment ?? []).filter((e) => e.name !== 'DEPLOY_IMAGE_DIGEST');
    const answer = await clients.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'actors',
        containerDefinitions: [
          {
            ...container,
            image: pushed.imageUri,
            environment: [...environment, { name: 'DEPLOY_IMAGE_DIGEST', value: pushed.digest }],
          },
        ],
        cpu: '256',
        memory: '512',
      }),
    );
    return { arn: answer.taskDefinition?.taskDefinitionArn ?? '', digest: pushed.digest };
  } finally {
    clients.destroy();
  }
}

/**
 * The production ECS adapter, noting when the rollback started: StopServiceDeployment (the gate), or an
 * UpdateService back to the previous revision (the deployer's rollback after a failed verify step).
 */
class TimedEcsAdapter extends EcsAdapter {
  stopSentAt: number | undefined;
  previousArn: string | undefined;
  override async rollBackServiceDeployment(serviceDeploymentArn: string, signal: AbortSignal) {
    this.stopSentAt ??= performance.now();
    return super.rollBackServiceDeployment(serviceDeploymentArn, signal);
  }
  override async updateService(...args: Parameters<EcsAdapter['updateService']>) {
    if (args[2] === this.previousArn) this.stopSentAt ??= performance.now();
    return super.updateService(...args);
  }
}

async function oneRun(world: LocalWorld, ecs: TimedEcsAdapter, strategy: StrategySettings, n: number) {
  const bad = await registerBadRevision(world, `9.${n}.0`);
  let failedAt: number | undefined;
  ecs.stopSentAt = undefined;
  const previousArn = (await ecs.describeService('gitops', 'actors', AbortSignal.timeout(10_000)))
    .taskDefinitionArn;
  ecs.previousArn = previousArn;
  const probe = new HttpVerifyProbe({ allowPrivateNetworks: true });
  const ctx: RolloutContext = {
    service: actorsServiceConfig({
      rollout: { timeoutSeconds: 1800, rollback: true, strategy },
      verify: {
        url: `${world.serviceUrl('actors')}/version`,
        expectVersion: true,
        successes: 3,
        intervalSeconds: PROBE_INTERVAL_S,
        timeoutSeconds: 10,
      },
    }),
    ecs,
    cdn: new FakeCdn(),
    probe: {
      get: async (url, signal, headers) => {
        const answer = await probe.get(url, signal, headers);
        if (answer.status >= 500) failedAt ??= performance.now();
        return answer;
      },
    },
    clock: new SystemClock(),
    log: silentLogger,
    signal: AbortSignal.timeout(300_000),
    waitPollMs: 1000,
    consoleLinks: false,
    onStep: () => undefined,
    onObserved: () => undefined,
    onVerifyProgress: () => undefined,
  };
  world.resetTraffic('actors');
  const stopUsers = users(world);
  // The load balancer's view, every 2 ms: when the canary gets its share, and when it loses it.
  let badGroup: string | undefined;
  let canaryAt: number | undefined;
  let atCanary: Counts | undefined;
  let backAt: number | undefined;
  let atBack: Counts | undefined;
  const watching = setInterval(() => {
    const weights = world.traffic('actors').productionWeights;
    if (badGroup === undefined) {
      const found = Object.entries(weights).find(([, weight]) => weight === CANARY.percent);
      if (found) {
        badGroup = found[0];
        canaryAt = performance.now();
        atCanary = production(world, badGroup);
      }
    } else if (backAt === undefined && (weights[badGroup] ?? 0) === 0) {
      backAt = performance.now();
      atBack = production(world, badGroup);
    }
  }, 2);
  const updatedAt = performance.now();
  let doneAt: number;
  try {
    // The deployer's rollout from the update on: wait (with the gate), verify, roll back.
    await updateService(ctx, bad.arn);
    const result = await complete(ctx, {
      rolloutId: `ro-bench-${n}`,
      taskDefinitionArn: bad.arn,
      digest: bad.digest,
      previousArn,
      startedAt: new Date(),
    });
    doneAt = performance.now();
    if (result.result === 'Succeeded') throw new Error('the bad canary was not rolled back');
    reasons.push(result.reason);
  } finally {
    clearInterval(watching);
    stopUsers();
  }
  const stopSentAt = ecs.stopSentAt;
  if (!failedAt || !stopSentAt || (canaryAt !== undefined && (!backAt || !atCanary || !atBack)))
    throw new Error(`incomplete run: ${JSON.stringify({ canaryAt, failedAt, stopSentAt, backAt })}`);
  // Caught before the canary got production traffic: no user request reached it.
  const badRequests = atBack && atCanary ? atBack.bad - atCanary.bad : 0;
  const total = atBack && atCanary ? atBack.total - atCanary.total : 0;
  return {
    detectionMs: failedAt - updatedAt,
    canaryServed: canaryAt !== undefined,
    stopSentMs: stopSentAt - failedAt,
    trafficBackMs: backAt === undefined ? 0 : backAt - failedAt,
    rolledBackMs: doneAt - failedAt,
    badRequests,
    shareBad: total === 0 ? 0 : badRequests / total,
  } satisfies RunResult;
}

const world = await startLocalWorld({
  taskCommands: { actors: ECHO_TASK_COMMAND },
  timing: { tickMs: 25, healthPollMs: 25, stopGraceMs: 300, minuteMs: MINUTE_MS },
  logger: quietLogger('canary'),
});
const clients = createAwsClients({
  endpoints: { ecs: world.endpoints.ecs },
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  maxAttempts: 1,
});
const ecs = new TimedEcsAdapter(clients.ecs);
const modes: { name: string; strategy: StrategySettings }[] = [
  {
    name: 'ecs-gitops: test header + production',
    strategy: { strategy: 'canary', bakeMinutes: 0, canary: CANARY, testTraffic: { header: HEADER } },
  },
  {
    name: 'baseline: production-only probing',
    strategy: { strategy: 'canary', bakeMinutes: 0, canary: CANARY },
  },
];
process.stdout.write(
  `${machineLine()}\ncanary ${CANARY.percent} % for ${CANARY.bakeMinutes} local minutes of ${MINUTE_MS} ms, probe every ${PROBE_INTERVAL_S} s, users ${USER_RPS} req/s, ${RUNS} runs per mode\n`,
);
const rows: (string | number)[][] = [];
/** Why each run's rollout failed: StrategyProbeFailed (the gate) or a verify failure after ECS finished. */
const reasons: string[] = [];
let n = 0;
try {
  for (const mode of modes) {
    const results: RunResult[] = [];
    reasons.length = 0;
    for (let run = 0; run < RUNS; run += 1) {
      n += 1;
      results.push(await oneRun(world, ecs, mode.strategy, n));
    }
    const column = (pick: (r: RunResult) => number) => results.map(pick);
    const median = (values: number[]) => percentile(values, 50);
    rows.push([
      mode.name,
      `${reasons.filter((r) => r === 'StrategyProbeFailed').length}/${results.length}`,
      formatMs(median(column((r) => r.detectionMs))),
      `${results.filter((r) => r.canaryServed).length}/${results.length}`,
      formatMs(median(column((r) => r.stopSentMs))),
      formatMs(Math.max(...column((r) => r.stopSentMs))),
      formatMs(median(column((r) => r.trafficBackMs))),
      formatMs(median(column((r) => r.rolledBackMs))),
      mean(column((r) => r.badRequests)).toFixed(1),
      `${(100 * mean(column((r) => r.shareBad))).toFixed(2)} %`,
    ]);
  }
  printTable(
    'Bad canary: detection, failing probe → rollback, requests that reached it (medians and worst of the runs)',
    [
      'mode',
      'stopped by the gate',
      'update → 1st 500 (p50)',
      'canary got traffic',
      '500 → Stop sent (p50)',
      '(max)',
      '500 → LB off bad (p50)',
      '500 → rolled back (p50)',
      'bad requests (mean)',
      'share bad (mean)',
    ],
    rows,
  );
  process.stdout.write(`\n${machineLine()}\n`);
} finally {
  clients.destroy();
  await world.stop();
}
