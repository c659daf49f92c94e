// A resync compares every service in bulk and queues reconciles only for the ones that differ: counted
// at the port fakes (one DescribeServices per 10 services, one DescribeImages per repository, the live
// task definitions from the cache, and SQS only for services whose desired image moved).
import { afterEach, describe, expect, it } from 'vitest';
import { createScaleWorld, type ScaleWorld } from '../../../bench/support/scale-world.ts';
import { silentLogger } from '../../support/fakes/index.ts';

const worlds: ScaleWorld[] = [];
afterEach(async () => {
  await Promise.all(worlds.splice(0).map((world) => world.runtime.stop()));
});

async function started(services: number): Promise<ScaleWorld> {
  const world = createScaleWorld({ services, logger: silentLogger });
  worlds.push(world);
  await world.runtime.start();
  await world.queue.idle(50);
  return world;
}

const reconcilesSince = (world: ScaleWorld, sent: number) =>
  world.queue.sent.slice(sent).flatMap((m) => (m.kind === 'reconcile' ? [m.service] : []));

describe('resync pass', () => {
  it('a resync of 25 services in sync describes them 10 at a time and queues no reconcile', async () => {
    const world = await started(25);
    const sentBefore = world.queue.sent.length;
    const before = world.counter.byOperation();
    world.queue.inject({ kind: 'resync', reason: 'test pass' }, 'pass-1');
    await world.queue.idle(50);
    const calls = world.counter.since(before);
    expect(calls).toMatchObject({ 'ecr:DescribeImages': 25, 'ecs:DescribeServices': 3 });
    // The live revisions were described at start: the cache answers.
    expect(calls['ecs:DescribeTaskDefinition']).toBeUndefined();
    expect(Object.keys(calls).filter((operation) => operation.startsWith('sqs:Send'))).toEqual([]);
    expect(reconcilesSince(world, sentBefore)).toEqual([]);
    expect(world.runtime.status().services.every((s) => s.sync.state === 'Synced')).toBe(true);
  });

  it('a resync queues reconciles, in one SendMessageBatch, only for the services whose image moved', async () => {
    const world = await started(25);
    const moved = ['svc-0003', 'svc-0011', 'svc-0020'];
    const digests = moved.map((name) => world.registry.push(name, '2.0.0'));
    const sentBefore = world.queue.sent.length;
    const before = world.counter.byOperation();
    world.queue.inject({ kind: 'resync', reason: 'test pass' }, 'pass-2');
    await world.queue.idle(50);
    expect(reconcilesSince(world, sentBefore)).toEqual(moved);
    expect(world.counter.since(before)['sqs:SendMessageBatch']).toBe(1);
    expect(world.counter.since(before)['sqs:SendMessage']).toBeUndefined();
    expect(world.ecs.registrations.map((r) => r.family).sort()).toEqual(moved);
    expect(moved.map((name) => world.ecs.liveImage('gitops', name))).toEqual(
      digests.map((digest) => expect.stringContaining(digest)),
    );
  });

  it('the startup queues one resync, not a reconcile per service, and leaves every service Synced', async () => {
    const world = await started(12);
    expect(world.queue.sent.map((m) => m.kind)).toEqual(['resync']);
    expect(world.counter.count('ecs:DescribeServices')).toBe(4); // rebuild 2 + startup pass 2
    expect(world.runtime.status().services.map((s) => s.sync.state)).toEqual(Array(12).fill('Synced'));
  });
});
