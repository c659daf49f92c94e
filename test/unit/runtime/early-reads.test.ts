// Early reads (early-reads.ts) save the event path a round trip only where they cannot be stale in a
// way that matters: taken by the next reconcile of the service, with the same config, within
// MAX_AGE_MS, and showing the service at rest. Each case below is read through the real ReadAhead on
// the fakes and counted at them.
import { describe, expect, it } from 'vitest';
import { revisionTags } from '../../../deployer/domain/revision-tags.ts';
import { EarlyReads } from '../../../deployer/runtime/early-reads.ts';
import { ReadAhead } from '../../../deployer/runtime/read-ahead.ts';
import {
  actorsServiceConfig,
  FakeClock,
  FakeEcs,
  FakeRegistry,
  REGISTRY_HOST,
} from '../../support/fakes/index.ts';

const { MAX_AGE_MS } = EarlyReads;

function world() {
  const clock = new FakeClock();
  const ecs = new FakeEcs(clock);
  const registry = new FakeRegistry(clock);
  const v1 = registry.push('actors', '1.0.0');
  ecs.seed({ service: 'actors', image: `${REGISTRY_HOST}/actors@${v1}` });
  const readAhead = new ReadAhead({
    ecs,
    registry,
    repositoryUri: (repository, signal) => registry.repositoryUri(repository, signal),
  });
  const config = actorsServiceConfig();
  const early = new EarlyReads(clock);
  const signal = AbortSignal.timeout(5_000);
  const start = () => early.start(config, () => readAhead.read(config, undefined, signal));
  const describes = () => ecs.counter.count('ecs:DescribeServices');
  return { clock, ecs, early, config, start, describes, signal };
}

/** A revision registered for a rollout whose attempt is running (as register.ts tags it). */
async function registerAttempt(ecs: FakeEcs): Promise<string> {
  const signal = AbortSignal.timeout(1_000);
  const { taskDefinitionArn: _, ...live } = (
    await ecs.describeTaskDefinition(ecs.primaryArn('actors'), signal)
  ).taskDefinition;
  return ecs.registerTaskDefinition(live, revisionTags({ rolloutId: 'r-1', result: 'InProgress' }), signal);
}

describe('early reads', () => {
  it('are taken once by the next reconcile of the service, with no AWS call of their own then', async () => {
    const { early, config, start, describes } = world();
    start();
    const taken = await early.take(config);
    expect(taken?.reads.service.service).toBe('actors');
    expect((await taken?.history())?.length).toBeGreaterThan(0);
    expect(describes()).toBe(1);
    expect(await early.take(config)).toBeUndefined(); // a second reconcile reads again
    expect(early.counts).toEqual({ used: 1, discarded: 0 });
  });

  it(`are not used after ${MAX_AGE_MS} ms (a reconcile received behind a backlog reads again)`, async () => {
    const { clock, early, config, start } = world();
    start();
    clock.advance(MAX_AGE_MS + 1);
    expect(await early.take(config)).toBeUndefined();
    expect(early.counts).toEqual({ used: 0, discarded: 1 });
  });

  it('are not used by a reconcile of another config of the service (a config applied in between)', async () => {
    const { early, config, start } = world();
    start();
    expect(await early.take({ ...config })).toBeUndefined();
  });

  it('are forgotten when the service lock was used in between (a resync settled it)', async () => {
    const { early, config, start } = world();
    start();
    early.forget('actors');
    expect(await early.take(config)).toBeUndefined();
  });

  it('are not used when the service was being rolled out: its state may have moved since', async () => {
    const { ecs, early, config, start } = world();
    // A deployment in progress (another replica's rollout), as ECS shows it: two deployments.
    await ecs.updateService('gitops', 'actors', await registerAttempt(ecs), AbortSignal.timeout(1_000));
    start();
    expect(await early.take(config)).toBeUndefined();
    expect(early.counts.discarded).toBe(1);
  });

  it('are not used when a revision of the family has an attempt without outcome (registered, not yet deployed)', async () => {
    const { ecs, early, config, start } = world();
    await registerAttempt(ecs);
    start();
    expect(await early.take(config)).toBeUndefined();
  });

  it('keeps one early read per service and at most a few in all', async () => {
    const { early, config, start, describes } = world();
    start();
    start();
    await early.take(config);
    expect(describes()).toBe(1);
  });
});
