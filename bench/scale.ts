// Scale, in real time: the real deployer process (`node deployer/main.ts` with Dockerfile.deployer's
// ENV, so its V8 flags and log level) against the local stand-ins, managing N services, at each size
// of BENCH_SIZES (default 1000,3000; add 10000 when the machine has the minutes). Every AWS call goes
// through a counting proxy (bench/support/aws-latency-proxy.ts, 0 ms added), so calls are counted on
// the wire, SQS included. Per size:
// - readiness: spawn → GET /readyz 200, and the calls made until then (the status rebuild);
// - the startup resync, and a full resync pass sent to the queue when nothing differs: calls per
//   service by operation;
// - RSS (VmRSS) at /readyz, settled after the startup resync and after the idle window, and the peak
//   during the storm; where it is (anonymous pages or the mapped node binary; V8's heap used and
//   committed); and the NODE_OPTIONS and MALLOC_ARENA_MAX the process really ran with (its /proc environ);
// - the startup timeline from the deployer's own log lines (listening, config loaded, ready, status
//   rebuilt in the background);
// - an ECR event storm: BENCH_STORM_EVENTS (default 1,000, at most one per service, spread over them)
//   push events, BENCH_STORM_ROLLOUT_PERCENT (default 10) % of them a tag the service tracks (a
//   rollout), the rest builds it does not track; events/s = events / (first event sent → queue drained
//   and the deployer quiet). The same number of events at every size: the cost per event as the
//   installation grows is what is compared. Rollouts run for real on the ECS
//   stand-in (UpdateService → scheduler tick → COMPLETED → ECS event on the queue); services have
//   desiredCount 0, so there are no task processes and a rollout lasts about one scheduler tick.
// Run: nice npm run bench:scale   BENCH_SIZES=1000,3000,10000
// BENCH_NODE_OPTIONS replaces the image's NODE_OPTIONS (to compare V8 flags); the full resync pass is
// measured up to BENCH_PASS_MAX_SERVICES (default 3,000: at 10,000 it is minutes of the same per-service
// cost the startup resync already shows).
import { rm } from 'node:fs/promises';
import { GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { DeployerStatus } from '../deployer/contract/status-model.ts';
import { encodeMessage, messageGroupId } from '../deployer/domain/events/queue-message.ts';
import { ECHO_TASK_COMMAND } from '../local/task-commands.ts';
import { type LocalWorld, startLocalWorld } from '../local/world.ts';
import { type AwsCall, type AwsCallLog, startAwsLatencyProxy } from './support/aws-latency-proxy.ts';
import { type DeployerProcess, STATUS_TOKEN, spawnDeployer } from './support/deployer-process.ts';
import { machineLine } from './support/machine.ts';
import { manyServiceName, seedManyServices } from './support/many-services.ts';
import { processCpuNs } from './support/process-cpu.ts';
import {
  describeMemory,
  memorySettings,
  type ProcessMemory,
  processMemory,
} from './support/process-memory.ts';
import { quietLogger } from './support/quiet-logger.ts';
import { shippedImageAsBuilt } from './support/shipped-image.ts';
import { formatBytes, formatMs } from './support/stats.ts';
import { printTable, type Row } from './support/table.ts';

const SIZES = (process.env.BENCH_SIZES ?? '1000,3000').split(',').map(Number);
const ROLLOUT_PERCENT = Number(process.env.BENCH_STORM_ROLLOUT_PERCENT ?? 10);
/** The deployer counts as done with a phase after this long without AWS calls (long polls aside). */
const QUIET_MS = Number(process.env.BENCH_QUIET_MS ?? 3000);
const PHASE_TIMEOUT_MS = Number(process.env.BENCH_PHASE_TIMEOUT_MS ?? 900_000);
/** Background calls that do not mean work is going on: long polls, queue depth for metrics. */
const IDLE_OPERATIONS = new Set(['sqs:ReceiveMessage', 'sqs:GetQueueAttributes']);
/**
 * Not a sign of a phase's work either: the status refresh (deployer/runtime/status-refresh.ts)
 * describes every service in bulk, all the time, paced at 5 calls a second. Counted, and measured
 * on its own in an idle window, but not waited out.
 */
const REFRESH_OPERATIONS = new Set(['ecs:DescribeServices', 'ecs:DescribeTaskDefinition']);
/**
 * Two idle refresh periods (IDLE_REFRESH_MS, 30 s): a 30 s window right after the startup resync caught
 * the first refresh passes back to back (the first one, slowed by the startup's work, outlasts the period)
 * and read 5.0 ECS calls/s at 1,000 services where the steady state is 3.3 (one pass of 100 calls per 30 s).
 */
const IDLE_WINDOW_MS = Number(process.env.BENCH_IDLE_WINDOW_MS ?? 60_000);
const STORM_EVENTS = Number(process.env.BENCH_STORM_EVENTS ?? 1000);
const PASS_MAX_SERVICES = Number(process.env.BENCH_PASS_MAX_SERVICES ?? 3000);
/** The deployer's log lines that mark its start, in order. */
const MILESTONES = [
  ['deployer listening', 'listening'],
  ['config loaded', 'config loaded'],
  ['deployer runtime ready', 'runtime ready'],
  ['status rebuild from ECS done', 'status rebuilt (background)'],
] as const;

interface Phase {
  name: string;
  ms: number;
  calls: Map<string, number>;
  /** What the calls are divided by in the table: the services, or the storm's events. */
  per: number;
}

interface SizeResult {
  services: number;
  seedMs: number;
  readyMs: number;
  phases: Phase[];
  settledRssBytes: number;
  settledHeapBytes: number | undefined;
  stormPeakRssBytes: number;
  /** At /readyz, settled (after the startup resync), after the idle window. */
  memory: { ready: ProcessMemory; settled: ProcessMemory; idle: ProcessMemory };
  /** NODE_OPTIONS and MALLOC_ARENA_MAX as the process had them. */
  memorySettings: string;
  /** Milliseconds from spawn to each MILESTONES line (undefined: not logged). */
  timeline: (number | undefined)[];
  idleEcsPerSecond: number;
  storm: {
    events: number;
    rollouts: number;
    updateServices: number;
    sendMs: number;
    drainMs: number;
    /** CPU the deployer process used from the first event sent to the last work call (ms). */
    deployerCpuMs: number | undefined;
    /** CPU this process (stand-ins, proxy, event sender) used meanwhile: the world's cost, not the deployer's. */
    benchCpuMs: number;
  };
  loadDuring: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** When the deployer logged each milestone, in ms after `spawnedAt` (pino's `time`: epoch ms). */
function timeline(output: string, spawnedAt: number): (number | undefined)[] {
  const lines = output.split('\n').flatMap((line) => {
    try {
      return [JSON.parse(line) as { msg?: string; time?: number | string }];
    } catch {
      return [];
    }
  });
  return MILESTONES.map(([msg]) => {
    const found = lines.find((line) => line.msg === msg);
    const at = typeof found?.time === 'string' ? Date.parse(found.time) : found?.time;
    return at === undefined ? undefined : at - spawnedAt;
  });
}

function loadLine(): string {
  return machineLine().replace(/^.*load average /, '');
}

/**
 * Waits until the phase's work has begun (a call after `since` that `begun` accepts; a busy machine
 * may take seconds to pick a message up) and then QUIET_MS have passed without a work call, and
 * `done` holds; returns when the last work call arrived (epoch ms).
 */
async function untilQuiet(
  calls: AwsCallLog,
  since: number,
  begun: (key: string) => boolean,
  done: () => Promise<boolean> = async () => true,
): Promise<number> {
  const deadline = Date.now() + PHASE_TIMEOUT_MS;
  let checked = calls.calls.findIndex((call) => call.at >= since);
  let started = false;
  let last = since;
  for (;;) {
    await sleep(250);
    if (checked < 0) checked = calls.calls.findIndex((call) => call.at >= since);
    for (let index = Math.max(0, checked); checked >= 0 && index < calls.calls.length; index += 1) {
      const call = calls.calls[index] as AwsCall;
      const key = `${call.api}:${call.operation}`;
      if (begun(key)) started = true;
      if (IDLE_OPERATIONS.has(key) || REFRESH_OPERATIONS.has(key)) continue;
      last = Math.max(last, call.at);
    }
    if (checked >= 0) checked = calls.calls.length;
    if (started && Date.now() - Math.max(last, since) >= QUIET_MS && (await done())) return last;
    if (Date.now() > deadline)
      throw new Error(
        `phase not over after ${PHASE_TIMEOUT_MS} ms (begun: ${started}); last calls: ${JSON.stringify(calls.calls.slice(-8))}`,
      );
  }
}

function workCalls(calls: AwsCallLog, mark: number, until = Number.POSITIVE_INFINITY): Map<string, number> {
  const counts = new Map<string, number>();
  for (const call of calls.calls.slice(mark)) {
    const key = `${call.api}:${call.operation}`;
    if (IDLE_OPERATIONS.has(key) || call.at > until) continue;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** Messages on the queue, visible or in flight (asked of fauxqs directly: not a deployer call). */
async function queueDepth(sqs: SQSClient, queueUrl: string): Promise<number> {
  const answer = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(answer.Attributes?.ApproximateNumberOfMessages ?? 0) +
    Number(answer.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
}

async function status(deployer: DeployerProcess): Promise<DeployerStatus> {
  const response = await fetch(`${deployer.url}/status`, {
    headers: { authorization: `Bearer ${STATUS_TOKEN}` },
  });
  if (!response.ok) throw new Error(`/status answered ${response.status}`);
  return (await response.json()) as DeployerStatus;
}

/** Resolves once the deployer has logged `msg` (watched every 500 ms, so no line scrolls by unseen). */
async function untilLogged(deployer: DeployerProcess, msg: string): Promise<void> {
  const deadline = Date.now() + 2 * PHASE_TIMEOUT_MS;
  while (!deployer.output().includes(`"msg":"${msg}"`)) {
    if (Date.now() > deadline) throw new Error(`the deployer did not log "${msg}"`);
    await sleep(500);
  }
}

async function untilAllSynced(deployer: DeployerProcess, count: number): Promise<void> {
  const deadline = Date.now() + PHASE_TIMEOUT_MS;
  for (;;) {
    const synced = (await status(deployer)).services.filter((s) => s.sync.state === 'Synced').length;
    if (synced >= count) return;
    if (Date.now() > deadline) throw new Error(`only ${synced}/${count} services Synced`);
    await sleep(count > 3000 ? 5000 : 1000); // a status of 10,000 services is megabytes to serialise
  }
}

async function measureSize(count: number, image: Record<string, string>): Promise<SizeResult> {
  const world: LocalWorld = await startLocalWorld({
    logger: quietLogger('scale'),
    taskCommands: { actors: ECHO_TASK_COMMAND },
    timing: { healthPollMs: 50, healthTimeoutMs: 5_000, stopGraceMs: 300 },
  });
  const proxy = await startAwsLatencyProxy(world, { latencyMs: 0 });
  const sqs = new SQSClient({
    region: 'us-east-1',
    endpoint: world.endpoints.sqs,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  let deployer: DeployerProcess | undefined;
  try {
    let started = Date.now();
    const configDir = await seedManyServices(world, count, { track: 'track: { semver: ">=1.0.0" }' });
    const seedMs = Date.now() - started;
    process.stderr.write(`  ${count}: seeded in ${formatMs(seedMs)}\n`);
    // The image's PORT is the container's; here the process listens where spawnDeployer says.
    const { PORT: _port, ...shippedEnv } = image;
    const calls = proxy.calls;
    // As the image runs it: its ENV (NODE_OPTIONS, NODE_ENV, no LOG_LEVEL) and the default poll,
    // visibility and heartbeat (spawnDeployer shortens them for tests; put them back).
    const spawnedAt = Date.now();
    deployer = await spawnDeployer({
      worldEnv: proxy.env(),
      configDir,
      env: {
        ...shippedEnv,
        ...(process.env.BENCH_NODE_OPTIONS !== undefined
          ? { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS }
          : {}),
        WAIT_POLL_MS: '',
        VISIBILITY_TIMEOUT_SECONDS: '',
        HEARTBEAT_SECONDS: '',
        // No periodic pass in the middle of a measured phase.
        RESYNC_INTERVAL_SECONDS: '3600',
      },
    });
    const pid = deployer.child.pid ?? 0;
    const settings = await memorySettings(pid);
    process.stderr.write(`  ${count}: the deployer runs with ${settings}\n`);
    const rebuilt = untilLogged(deployer, 'status rebuild from ECS done');
    rebuilt.catch(() => undefined); // awaited before the idle window
    const readyMs = await deployer.waitReady(PHASE_TIMEOUT_MS);
    const readyAt = Date.now();
    const readyMemory = await processMemory(pid, deployer.url);
    const phases: Phase[] = [
      { name: 'spawn → /readyz (status rebuild)', ms: readyMs, calls: workCalls(calls, 0), per: count },
    ];
    process.stderr.write(`  ${count}: ready in ${formatMs(readyMs)}\n`);

    let mark = calls.mark();
    // The startup resync compares every service, and only a resync describes images.
    // It may begin before /readyz answers (the consumer starts first).
    let lastWork = await untilQuiet(calls, spawnedAt, (key) => key === 'ecr:DescribeImages');
    await untilAllSynced(deployer, count);
    phases.push({
      name: 'startup resync (after ready)',
      ms: Math.max(0, lastWork - readyAt),
      calls: workCalls(calls, mark),
      per: count,
    });
    const settledMemory = await processMemory(pid, deployer.url);
    const settledRssBytes = settledMemory.rssBytes;
    const settledHeapBytes = settledMemory.heapUsedBytes;
    process.stderr.write(`  ${count}: settled: ${describeMemory(settledMemory)}\n`);

    // A full pass when nothing differs, sent as the periodic resync is.
    if (count <= PASS_MAX_SERVICES) {
      const resync = { kind: 'resync' as const, reason: 'bench: full pass' };
      mark = calls.mark();
      started = Date.now();
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: world.queueUrl,
          MessageBody: encodeMessage(resync),
          MessageGroupId: messageGroupId(resync),
          MessageDeduplicationId: `bench-resync-${started}`,
        }),
      );
      lastWork = await untilQuiet(
        calls,
        started,
        (key) => key === 'ecr:DescribeImages',
        async () => (await queueDepth(sqs, world.queueUrl)) === 0,
      );
      phases.push({
        name: 'resync pass, nothing differs',
        ms: lastWork - started,
        calls: workCalls(calls, mark),
        per: count,
      });
      process.stderr.write(`  ${count}: resync pass in ${formatMs(lastWork - started)}\n`);
    }

    // The status rebuild runs in the background after /readyz (minutes at 10,000 services): the idle
    // window and the storm wait for it, or they measure it too (at 10,000 it still ran in the storm).
    // Watched from the spawn: the line may scroll out of the kept output before this point.
    await rebuilt;
    // Nothing to do: what the deployer calls anyway (the status refresh).
    mark = calls.mark();
    const idleFrom = Date.now();
    await sleep(IDLE_WINDOW_MS);
    const idle = workCalls(calls, mark);
    const idleMemory = await processMemory(pid, deployer.url);
    // When in the window the ECS calls came (the refresh's passes: one per IDLE_REFRESH_MS when all is quiet).
    const per10s = new Map<number, number>();
    for (const call of calls.calls.slice(mark))
      if (call.api === 'ecs') {
        const slot = Math.floor((call.at - idleFrom) / 10_000) * 10;
        per10s.set(slot, (per10s.get(slot) ?? 0) + 1);
      }
    process.stderr.write(
      `  ${count}: idle ECS calls per 10 s: ${[...per10s].map(([at, n]) => `${at}s ${n}`).join(', ')}\n`,
    );
    phases.push({ name: `idle ${IDLE_WINDOW_MS / 1000} s`, ms: IDLE_WINDOW_MS, calls: idle, per: count });
    const idleEcsPerSecond =
      ([...idle.entries()].filter(([key]) => key.startsWith('ecs:')).reduce((sum, [, n]) => sum + n, 0) /
        IDLE_WINDOW_MS) *
      1000;

    // The storm: STORM_EVENTS pushes spread over the services; every 100/ROLLOUT_PERCENT-th a tracked tag.
    const events = Math.min(count, STORM_EVENTS);
    const names = Array.from({ length: events }, (_, index) =>
      manyServiceName(Math.floor((index * count) / events) + 1),
    );
    const every = Math.max(1, Math.round(100 / ROLLOUT_PERCENT));
    const rollouts = names.filter((_, index) => index % every === 0).length;
    let peakRss = settledRssBytes;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peakRss = Math.max(peakRss, await deployer.rssBytes().catch(() => 0));
        await sleep(500);
      }
    })();
    const loadDuring = loadLine();
    mark = calls.mark();
    const deployerCpuBefore = processCpuNs(pid);
    const benchCpuBefore = process.cpuUsage();
    // Where the storm lies on the monotonic clock, to cut a --cpu-prof of either process to it.
    const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);
    const stormFromUs = monotonicUs();
    started = Date.now();
    for (let start = 0; start < names.length; start += 50)
      await Promise.all(
        names
          .slice(start, start + 50)
          .map((name, offset) =>
            world.push(name, (start + offset) % every === 0 ? '1.1.0' : `build-${start + offset}`),
          ),
      );
    const sendMs = Date.now() - started;
    lastWork = await untilQuiet(
      calls,
      started,
      (key) => key === 'ecr:DescribeImages' || key === 'sqs:DeleteMessage',
      async () => (await queueDepth(sqs, world.queueUrl)) === 0,
    );
    const drainMs = lastWork - started;
    const deployerCpuAfter = processCpuNs(pid);
    const benchCpu = process.cpuUsage(benchCpuBefore);
    process.stderr.write(`  ${count}: storm window (monotonic µs): ${stormFromUs} ${monotonicUs()}\n`);
    sampling = false;
    await sampler;
    const stormCalls = workCalls(calls, mark);
    phases.push({
      name: `storm: ${events} ECR events, ${rollouts} rollouts`,
      ms: drainMs,
      calls: stormCalls,
      per: events,
    });
    const updateServices = stormCalls.get('ecs:UpdateService') ?? 0;
    return {
      services: count,
      seedMs,
      readyMs,
      phases,
      settledRssBytes,
      settledHeapBytes,
      stormPeakRssBytes: peakRss,
      memory: { ready: readyMemory, settled: settledMemory, idle: idleMemory },
      memorySettings: settings,
      timeline: timeline(deployer.output(), spawnedAt),
      idleEcsPerSecond,
      storm: {
        events,
        rollouts,
        updateServices,
        sendMs,
        drainMs,
        deployerCpuMs:
          deployerCpuBefore === undefined || deployerCpuAfter === undefined
            ? undefined
            : (deployerCpuAfter - deployerCpuBefore) / 1e6,
        benchCpuMs: (benchCpu.user + benchCpu.system) / 1000,
      },
      loadDuring,
    };
  } finally {
    await deployer?.kill('SIGTERM');
    sqs.destroy();
    await proxy.stop();
    await world.stop();
  }
}

function perService(calls: Map<string, number>, per: number): string {
  const total = [...calls.values()].reduce((sum, value) => sum + value, 0);
  return (total / per).toFixed(3);
}

function callsTable(result: SizeResult, operations: readonly string[]): void {
  printTable(
    `AWS calls per service (storm: per event), ${result.services} services (work calls only: long polls and queue-depth reads left out)`,
    ['operation', ...result.phases.map((phase) => `${phase.name} (${formatMs(phase.ms)})`)],
    [
      ...operations.map(
        (operation): Row => [
          operation,
          ...result.phases.map((phase) => ((phase.calls.get(operation) ?? 0) / phase.per).toFixed(3)),
        ],
      ),
      ['all', ...result.phases.map((phase) => perService(phase.calls, phase.per))],
    ],
  );
}

async function main(): Promise<void> {
  process.stdout.write(`${machineLine()}\n`);
  const results: SizeResult[] = [];
  // The image's ENV, with its compile cache filled as the image build fills it.
  const image = await shippedImageAsBuilt('Dockerfile.deployer');
  process.stderr.write(`compile cache as the image builds it: ${image.compileCache ?? 'none'}\n`);
  try {
    for (const size of SIZES) {
      process.stderr.write(`size ${size}\n`);
      const result = await measureSize(size, image.env);
      results.push(result);
      // Each size's calls as soon as it is measured: a long run stopped at a later size keeps them.
      callsTable(result, [...new Set(result.phases.flatMap((p) => [...p.calls.keys()]))].sort());
      process.stdout.write(`${machineLine()}\n`);
    }
  } finally {
    if (image.compileCache) await rm(image.compileCache, { recursive: true, force: true });
  }
  printTable(
    'Deployer process at scale (real time, as Dockerfile.deployer runs it; stand-ins on loopback)',
    [
      'services',
      'spawn → /readyz',
      ...MILESTONES.map(([, label]) => `spawn → ${label}`),
      'RSS settled',
      'V8 heap used settled',
      'RSS peak (storm)',
      'idle ECS calls/s',
      'storm: events sent in',
      'storm: drained + quiet in',
      'storm events/s',
      'storm: deployer CPU per event',
      'storm: stand-ins + proxy CPU per event',
      'storm rollouts (UpdateService / expected)',
      'load during storm',
    ],
    results.map(
      (result): Row => [
        result.services,
        formatMs(result.readyMs),
        ...result.timeline.map((ms) => (ms === undefined ? 'n/a' : formatMs(ms))),
        formatBytes(result.settledRssBytes),
        result.settledHeapBytes === undefined ? 'n/a' : formatBytes(result.settledHeapBytes),
        formatBytes(result.stormPeakRssBytes),
        result.idleEcsPerSecond.toFixed(1),
        formatMs(result.storm.sendMs),
        formatMs(result.storm.drainMs),
        ((result.storm.events / result.storm.drainMs) * 1000).toFixed(0),
        result.storm.deployerCpuMs === undefined
          ? 'n/a'
          : `${(result.storm.deployerCpuMs / result.storm.events).toFixed(2)} ms`,
        `${(result.storm.benchCpuMs / result.storm.events).toFixed(2)} ms`,
        `${result.storm.updateServices} / ${result.storm.rollouts}`,
        result.loadDuring,
      ],
    ),
  );
  const bytes = (value: number | undefined) => (value === undefined ? 'n/a' : formatBytes(value));
  printTable(
    `Deployer memory (RSS: anonymous pages + mapped files; V8 heap used / committed, from its /metrics), idle window ${IDLE_WINDOW_MS / 1000} s`,
    [
      'services',
      'RSS at /readyz',
      'RSS settled',
      'settled: anonymous / files',
      'settled: V8 heap used / committed',
      `RSS after the idle window`,
      'V8 heap used / committed after it',
      'threads',
      'the deployer ran with',
    ],
    results.map(
      ({ services, memory, memorySettings }): Row => [
        services,
        bytes(memory.ready.rssBytes),
        bytes(memory.settled.rssBytes),
        `${bytes(memory.settled.anonBytes)} / ${bytes(memory.settled.fileBytes)}`,
        `${bytes(memory.settled.heapUsedBytes)} / ${bytes(memory.settled.heapTotalBytes)}`,
        bytes(memory.idle.rssBytes),
        `${bytes(memory.idle.heapUsedBytes)} / ${bytes(memory.idle.heapTotalBytes)}`,
        memory.settled.threads,
        memorySettings,
      ],
    ),
  );
  const problems = results.filter((result) => result.storm.updateServices !== result.storm.rollouts);
  if (problems.length > 0) {
    process.stdout.write(
      `\nFAILED: storm rollouts differ from the services given a tracked tag at ${problems.map((p) => p.services).join(', ')} services\n`,
    );
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:scale failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
