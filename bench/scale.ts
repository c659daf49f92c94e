// Scale: 1,000 services against in-memory fakes of every port (so this measures the deployer, not
// stand-ins): one full resync pass (API calls per service, wall time, RSS), then a storm of 10,000
// ECR push events. Rollouts started must equal the services whose desired image changed, and the
// fake ECS fails loudly if a service ever gets two rollouts at once. Run: npm run bench:scale
// BENCH_SERVICES (default 1000), BENCH_EVENTS (default 10000), BENCH_CONCURRENCY (default 4).

import { sumCalls } from '../test/support/fakes/index.ts';
import { machineLine } from './support/machine.ts';
import { type MemorySample, sampleMemory } from './support/memory.ts';
import { quietLogger } from './support/quiet-logger.ts';
import { createScaleWorld } from './support/scale-world.ts';
import { formatBytes, formatMs } from './support/stats.ts';
import { printTable } from './support/table.ts';

const memory = (sample: MemorySample) =>
  `${formatBytes(sample.rssBytes)} / ${formatBytes(sample.heapUsedBytes)}`;

const SERVICES = Number(process.env.BENCH_SERVICES ?? 1000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);

function callRows(calls: Record<string, number>, services: number): [string, number, string][] {
  return Object.entries(calls).map(([operation, count]) => [operation, count, (count / services).toFixed(2)]);
}

async function main(): Promise<void> {
  process.stdout.write(`${machineLine()}\n`);
  const memoryBefore = sampleMemory();
  const world = createScaleWorld({
    services: SERVICES,
    logger: quietLogger('scale'),
    concurrency: CONCURRENCY,
  });
  const { runtime, queue, counter, ecs, registry, names } = world;

  // Start: initial config load and status rebuild from ECS, then whatever the runtime enqueues.
  let started = performance.now();
  await runtime.start();
  for (let waited = 0; !runtime.ready(); waited += 10) {
    if (waited > 120_000) throw new Error('runtime not ready after 120 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const readyMs = performance.now() - started;
  await queue.idle();
  const startMs = performance.now() - started;
  const startCalls = counter.byOperation();
  const memoryAfterStart = sampleMemory();

  // One full resync pass over all services, nothing to change.
  let before = counter.byOperation();
  started = performance.now();
  queue.inject({ kind: 'resync', reason: 'bench: full pass' }, 'bench-pass-1');
  await queue.idle();
  const passMs = performance.now() - started;
  const passCalls = counter.since(before);
  const memoryAfterPass = sampleMemory();
  const registrationsInPass = ecs.registrations.length;

  // The storm: new images for 60 % of the services first, then 10,000 push events spread over all
  // repositories (most repeat; EventBridge dedups by event id only, so none are dropped by SQS).
  const changed = new Set(names.filter((_, index) => index % 5 < 3));
  const newest = new Map<string, { digest: string; tag: string }>();
  for (const name of names) {
    if (changed.has(name)) newest.set(name, { digest: registry.push(name, '1.1.0'), tag: '1.1.0' });
    else {
      const images = await registry.listImages(name, AbortSignal.timeout(1000));
      newest.set(name, { digest: images[0]?.digest ?? '', tag: '1.0.0' });
    }
  }
  counter.record('bench:setup'); // keeps the storm's call delta free of the setup listImages above
  before = counter.byOperation();
  const registrationsBefore = ecs.registrations.length;
  started = performance.now();
  for (let event = 0; event < EVENTS; event += 1) {
    const name = names[event % names.length] as string;
    const image = newest.get(name) as { digest: string; tag: string };
    queue.inject(
      {
        kind: 'image-push',
        repository: name,
        digest: image.digest,
        tag: image.tag,
        pushedAt: new Date().toISOString(),
      },
      `event-${event}`,
    );
  }
  await queue.idle(500);
  const stormMs = performance.now() - started;
  const stormCalls = counter.since(before);
  const memoryAfterStorm = sampleMemory();

  const stormRegistrations = ecs.registrations.slice(registrationsBefore);
  const perFamily = new Map<string, number>();
  for (const registration of stormRegistrations)
    perFamily.set(registration.family, (perFamily.get(registration.family) ?? 0) + 1);
  const problems: string[] = [...ecs.violations];
  for (const name of names) {
    const count = perFamily.get(name) ?? 0;
    const expected = changed.has(name) ? 1 : 0;
    if (count !== expected) problems.push(`${name}: ${count} rollouts, expected ${expected}`);
    const live = ecs.liveImage('gitops', name);
    if (!live?.endsWith(newest.get(name)?.digest ?? '?'))
      problems.push(`${name}: live ${live} is not the newest image`);
  }
  const status = runtime.status();
  const notSynced = status.services.filter((service) => service.sync.state !== 'Synced');
  if (notSynced.length > 0)
    problems.push(`${notSynced.length} services not Synced, e.g. ${JSON.stringify(notSynced[0]?.sync)}`);

  // Level-triggered: after the storm, a full pass must find nothing left to do.
  const registrationsAfterStorm = ecs.registrations.length;
  queue.inject({ kind: 'resync', reason: 'bench: pass after the storm' }, 'bench-pass-2');
  await queue.idle();
  const registrationsInSecondPass = ecs.registrations.length - registrationsAfterStorm;
  if (registrationsInSecondPass > 0)
    problems.push(`the pass after the storm started ${registrationsInSecondPass} rollouts, expected 0`);
  await runtime.stop();

  process.stdout.write(`Scale: ${SERVICES} services, in-memory port fakes, CONCURRENCY=${CONCURRENCY}\n`);
  printTable(
    'Phases',
    ['phase', 'wall time', 'API calls', 'calls / service', 'RSS / heap after (GC)'],
    [
      [
        'start (config load + status rebuild + startup resync and its work)',
        formatMs(startMs),
        sumCalls(startCalls),
        (sumCalls(startCalls) / SERVICES).toFixed(2),
        memory(memoryAfterStart),
      ],
      ['...of which: runtime.start() until ready()', formatMs(readyMs), '', '', ''],
      [
        'full resync pass (no changes)',
        formatMs(passMs),
        sumCalls(passCalls),
        (sumCalls(passCalls) / SERVICES).toFixed(2),
        memory(memoryAfterPass),
      ],
      [
        `storm: ${EVENTS} ECR events, ${changed.size} services changed`,
        formatMs(stormMs),
        sumCalls(stormCalls),
        (sumCalls(stormCalls) / SERVICES).toFixed(2),
        memory(memoryAfterStorm),
      ],
    ],
  );
  printTable(
    'API calls of the start (status rebuild from ECS + the startup resync), by operation',
    ['operation', 'calls', 'per service'],
    callRows(startCalls, SERVICES),
  );
  printTable(
    'API calls of the full resync pass, by operation',
    ['operation', 'calls', 'per service'],
    callRows(passCalls, SERVICES),
  );
  printTable(
    'API calls of the storm, by operation',
    ['operation', 'calls', 'per service'],
    callRows(stormCalls, SERVICES),
  );
  printTable(
    'Coalescing',
    ['measure', 'value'],
    [
      ['ECR events delivered', EVENTS],
      ['services whose desired image changed', changed.size],
      ['rollouts started (task definitions registered)', stormRegistrations.length],
      ['rollouts started in the no-change pass', registrationsInPass],
      ['rollouts started by a full pass after the storm', registrationsInSecondPass],
      ['events per rollout', (EVENTS / Math.max(1, stormRegistrations.length)).toFixed(1)],
      ['events/s absorbed', ((EVENTS / stormMs) * 1000).toFixed(0)],
      ['concurrent rollouts of one service (violations)', ecs.violations.length],
      [
        `heap growth from 0 to ${SERVICES} services started (after GC)`,
        formatBytes(memoryAfterStart.heapUsedBytes - memoryBefore.heapUsedBytes),
      ],
      ['process RSS before creating the services', formatBytes(memoryBefore.rssBytes)],
    ],
  );
  if (problems.length > 0) {
    process.stdout.write(`\nFAILED: ${problems.length} problem(s):\n${problems.slice(0, 20).join('\n')}\n`);
    process.exitCode = 1;
  } else
    process.stdout.write(
      '\nOK: rollouts started == services changed; never two rollouts of one service at once\n',
    );
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:scale failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
