import { describe, expect, it } from 'vitest';
import type { DescribedTaskDefinition } from '../../../deployer/ports.ts';
import { CachedTaskDefinitions } from '../../../deployer/runtime/cached-task-definitions.ts';
import { FakeClock, FakeEcs } from '../../support/fakes/index.ts';

const signal = new AbortController().signal;

function setup(capacity?: number) {
  const inner = new FakeEcs(new FakeClock());
  const arn = inner.seed({ service: 'actors', image: 'actors:1' });
  return { inner, arn, ecs: new CachedTaskDefinitions(inner, capacity) };
}

/** What a kept copy leaves out: the read-only fields ECS adds, except the ARN and revision that name it. */
function withoutEcsFields(described: DescribedTaskDefinition): DescribedTaskDefinition {
  const {
    status: _status,
    requiresAttributes: _requires,
    compatibilities: _compatibilities,
    registeredAt: _at,
    registeredBy: _by,
    deregisteredAt: _deregistered,
    ...kept
  } = described.taskDefinition;
  return { taskDefinition: kept as DescribedTaskDefinition['taskDefinition'], tags: described.tags };
}

describe('CachedTaskDefinitions', () => {
  it('keeps a revision without the read-only fields ECS adds; the ARN and revision stay', async () => {
    const { arn, ecs } = setup();
    const fresh = await ecs.describeTaskDefinition(arn, signal);
    expect(fresh.taskDefinition).toHaveProperty('requiresAttributes');
    expect(fresh.taskDefinition).toHaveProperty('registeredAt');
    const kept = (await ecs.describeTaskDefinition(arn, signal)).taskDefinition;
    for (const field of ['status', 'requiresAttributes', 'compatibilities', 'registeredAt', 'registeredBy'])
      expect(kept).not.toHaveProperty(field);
    expect(kept).toMatchObject({ taskDefinitionArn: arn, revision: fresh.taskDefinition.revision });
    expect(kept.containerDefinitions).toEqual(fresh.taskDefinition.containerDefinitions);
  });

  it('describeTaskDefinition(arn) asks ECS once per revision', async () => {
    const { inner, arn, ecs } = setup();
    const first = await ecs.describeTaskDefinition(arn, signal);
    const second = await ecs.describeTaskDefinition(arn, signal);
    expect(second).toEqual(withoutEcsFields(first));
    expect(inner.counter.count('ecs:DescribeTaskDefinition')).toBe(1);
    expect(ecs.hits).toBe(1);
  });

  it('a kept revision is answered as kept (no copy per read), frozen so no reader changes it', async () => {
    const { arn, ecs } = setup();
    const fresh = await ecs.describeTaskDefinition(arn, signal);
    const first = await ecs.describeTaskDefinition(arn, signal);
    const second = await ecs.describeTaskDefinition(arn, signal);
    expect(second).toBe(first);
    expect(first).toEqual(withoutEcsFields(fresh));
    expect(Object.isFrozen(first.taskDefinition.containerDefinitions[0])).toBe(true);
    expect(() => {
      first.tags.changed = 'yes';
    }).toThrow(TypeError);
    // What ECS answered (the caller's own object) is not the kept one, and stays the caller's to change.
    expect(Object.isFrozen(fresh)).toBe(false);
  });

  it('describeTaskDefinition(family) is never answered from the cache: the newest revision moves', async () => {
    const { inner, ecs } = setup();
    await ecs.describeTaskDefinition('actors', signal);
    await ecs.describeTaskDefinition('actors', signal);
    expect(inner.counter.count('ecs:DescribeTaskDefinition')).toBe(2);
  });

  it('tagResource through the cache shows the written tags and keeps the others', async () => {
    const { inner, arn, ecs } = setup();
    await inner.tagResource(arn, { 'gitops:keep': 'yes' }, signal);
    await ecs.describeTaskDefinition(arn, signal);
    await ecs.tagResource(arn, { 'gitops:result': 'Succeeded' }, signal);
    const after = await ecs.describeTaskDefinition(arn, signal);
    expect(after.tags).toEqual({ 'gitops:keep': 'yes', 'gitops:result': 'Succeeded' });
    expect(inner.counter.count('ecs:DescribeTaskDefinition')).toBe(1);
  });

  it('a tagResource that fails forgets the revision, so the next describe asks ECS', async () => {
    const { inner, arn, ecs } = setup();
    await ecs.describeTaskDefinition(arn, signal);
    inner.failNext = { method: 'tagResource', error: new Error('connection reset') };
    await expect(ecs.tagResource(arn, { 'gitops:result': 'Failed' }, signal)).rejects.toThrow('reset');
    await ecs.describeTaskDefinition(arn, signal);
    expect(inner.counter.count('ecs:DescribeTaskDefinition')).toBe(2);
  });

  it('keeps at most `capacity` revisions, the least recently used leaving first', async () => {
    const { inner, arn, ecs } = setup(1);
    const other = inner.seed({ service: 'web', image: 'web:1' });
    await ecs.describeTaskDefinition(arn, signal);
    await ecs.describeTaskDefinition(other, signal);
    await ecs.describeTaskDefinition(arn, signal);
    expect(inner.counter.count('ecs:DescribeTaskDefinition')).toBe(3);
  });

  it('authoritative asks ECS every time and refreshes the kept copy: a tag another replica wrote shows', async () => {
    const { inner, arn, ecs } = setup();
    await ecs.describeTaskDefinition(arn, signal);
    await inner.tagResource(arn, { 'ecs-gitops:suspended': 'SuspendedByApi' }, signal); // another replica
    expect((await ecs.describeTaskDefinition(arn, signal)).tags).toEqual({});
    const read = await ecs.authoritative.describeTaskDefinition(arn, signal);
    expect(read.tags).toEqual({ 'ecs-gitops:suspended': 'SuspendedByApi' });
    expect((await ecs.describeTaskDefinition(arn, signal)).tags).toEqual(read.tags);
    expect(inner.counter.count('ecs:DescribeTaskDefinition')).toBe(2);
  });

  it('authoritative does not fill the cache with revisions no pass asked for (the rebuild reads history)', async () => {
    const { inner, arn, ecs } = setup();
    await ecs.authoritative.describeTaskDefinition(arn, signal);
    await ecs.describeTaskDefinition(arn, signal);
    expect(inner.counter.count('ecs:DescribeTaskDefinition')).toBe(2);
  });
});
