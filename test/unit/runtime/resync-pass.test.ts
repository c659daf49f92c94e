// A resync compares every service in bulk and queues reconciles only for the ones that differ: counted
// at the port fakes (one DescribeServices per 10 services, one DescribeImages per repository, the live
// task definitions from the cache, and SQS only for services whose desired image moved).
import { afterEach, describe, expect, it } from 'vitest';
import { createScaleWorld, type ScaleWorld } from '../../../bench/support/scale-world.ts';
import type { RuntimeTuning } from '../../../deployer/runtime/app.ts';
import { RepositoryImages } from '../../../deployer/runtime/repository-images.ts';

const { REREAD_EVERY_PASSES } = RepositoryImages;

import { silentLogger } from '../../support/fakes/index.ts';

const worlds: ScaleWorld[] = [];
afterEach(async () => {
  await Promise.all(worlds.splice(0).map((world) => world.runtime.stop()));
});

async function started(services: number, tuning: RuntimeTuning = {}): Promise<ScaleWorld> {
  const world = createScaleWorld({ services, logger: silentLogger, tuning });
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
    expect(calls).toMatchObject({ 'ecs:DescribeServices': 3 });
    // The startup pass read every repository; this one only those whose turn it is (below).
    expect(calls['ecr:DescribeImages'] ?? 0).toBeLessThan(25 / 4);
    // The live revisions were described at start: the cache answers.
    expect(calls['ecs:DescribeTaskDefinition']).toBeUndefined();
    expect(Object.keys(calls).filter((operation) => operation.startsWith('sqs:Send'))).toEqual([]);
    expect(reconcilesSince(world, sentBefore)).toEqual([]);
    expect(world.runtime.status().services.every((s) => s.sync.state === 'Synced')).toBe(true);
  });

  it('a resync queues reconciles, in one SendMessageBatch, only for the services whose image moved', async () => {
    // Every pass reads every repository here: the pushes below come without their ECR events.
    const world = await started(25, { ecrRereadEveryPasses: 1 });
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

  // Issue 17: ECR DescribeImages <= 0.05 per service per pass (one repository per service here).
  it(`reads each repository once every ${REREAD_EVERY_PASSES} passes when no ECR event names it: 0.05 per service per pass`, async () => {
    const world = await started(25);
    const before = world.counter.byOperation();
    for (let pass = 1; pass <= REREAD_EVERY_PASSES; pass++) {
      world.queue.inject({ kind: 'resync', reason: 'periodic' }, `pass-${pass}`);
      await world.queue.idle(50);
    }
    expect(world.counter.since(before)['ecr:DescribeImages']).toBe(25);
  });

  it('an ECR push event makes the next pass read that repository again', async () => {
    /** DescribeImages of the first periodic pass after start, with or without a push event before it. */
    const passAfter = async (push: boolean) => {
      const world = await started(25);
      if (push) {
        world.queue.inject(
          {
            kind: 'image-push',
            repository: 'svc-0007',
            digest: `sha256:${'7'.repeat(64)}`,
            tag: 'build-1',
            pushedAt: '',
          },
          'push-1',
        );
        await world.queue.idle(50);
      }
      const before = world.counter.byOperation();
      world.queue.inject({ kind: 'resync', reason: 'periodic' }, 'pass');
      await world.queue.idle(50);
      return world.counter.since(before)['ecr:DescribeImages'] ?? 0;
    };
    // The same repositories' turn in both; svc-0007 (a build tag no service tracks: no reconcile) on top.
    expect(await passAfter(true)).toBe((await passAfter(false)) + 1);
  });

  it('still finds pushes whose ECR events were lost, within its reread period (4 passes here), each service reconciled once', async () => {
    const world = await started(25, { ecrRereadEveryPasses: 4 });
    const moved = ['svc-0003', 'svc-0011', 'svc-0020'];
    for (const name of moved) world.registry.push(name, '2.0.0');
    const sentBefore = world.queue.sent.length;
    for (let pass = 1; pass <= 4; pass++) {
      world.queue.inject({ kind: 'resync', reason: 'periodic' }, `lost-${pass}`);
      await world.queue.idle(50);
    }
    expect(reconcilesSince(world, sentBefore).sort()).toEqual(moved);
    expect(world.ecs.registrations.map((r) => r.family).sort()).toEqual(moved);
  });

  it('the startup queues one resync, not a reconcile per service, and leaves every service Synced', async () => {
    const world = await started(12);
    expect(world.queue.sent.map((m) => m.kind)).toEqual(['resync']);
    expect(world.counter.count('ecs:DescribeServices')).toBe(4); // rebuild 2 + startup pass 2
    expect(world.runtime.status().services.map((s) => s.sync.state)).toEqual(Array(12).fill('Synced'));
  });
});
