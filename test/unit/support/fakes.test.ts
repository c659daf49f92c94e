// The test kit's own promises beyond the port contract (test/contract holds the fakes to that):
// what unit tests and the scale benchmark rest on, such as group ordering, deduplication, visibility,
// idle(), the AWS rules the fakes enforce, and the "never two rollouts" tripwire.
import { describe, expect, it } from 'vitest';
import { REVISION_TAG_KEYS } from '../../../deployer/domain/revision-tags.ts';
import type { QueueMessage } from '../../../deployer/domain/types.ts';
import {
  FakeCdn,
  FakeClock,
  FakeEcs,
  FakeQueue,
  FakeRegistry,
  FastClock,
  REGISTRY_HOST,
} from '../../support/fakes/index.ts';

const signal = new AbortController().signal;
const reconcile = (service: string, reason: string): QueueMessage => ({ kind: 'reconcile', service, reason });

describe('FakeQueue (SQS FIFO semantics)', () => {
  it('receive holds back a group while one of its messages is in flight, other groups flow', async () => {
    const queue = new FakeQueue();
    queue.inject(reconcile('a', '1'));
    queue.inject(reconcile('a', '2'));
    queue.inject(reconcile('b', '1'));
    const first = await queue.receive(1, 0, signal);
    expect(first.map((m) => m.groupId)).toEqual(['service:a']);
    const second = await queue.receive(10, 0, signal);
    expect(second.map((m) => [m.groupId, m.body.kind === 'reconcile' && m.body.reason])).toEqual([
      ['service:b', '1'],
    ]);
    await queue.delete(first[0]?.receiptHandle ?? '', signal);
    const third = await queue.receive(10, 0, signal);
    expect(third.map((m) => m.body.kind === 'reconcile' && m.body.reason)).toEqual(['2']);
  });

  it('send drops a repeated deduplication id; inject with an explicit id does not', async () => {
    const queue = new FakeQueue();
    await queue.send(reconcile('a', 'same'), signal);
    await queue.send(reconcile('a', 'same'), signal);
    expect(queue.inject(reconcile('a', 'same'), 'event-1')).toBe(true);
    expect(queue.duplicatesDropped).toBe(1);
    expect(queue.snapshot()).toEqual({ visible: 2, inFlight: 0 });
  });

  it('changeVisibility(0) releases a message for redelivery with a higher receive count', async () => {
    const queue = new FakeQueue();
    queue.inject(reconcile('a', '1'));
    const [message] = await queue.receive(1, 0, signal);
    await queue.changeVisibility(message?.receiptHandle ?? '', 0, signal);
    const [again] = await queue.receive(1, 0, signal);
    expect(again?.messageId).toBe(message?.messageId);
    expect(again?.receiveCount).toBe(2);
  });

  it('a long poll wakes up when a message arrives and idle() waits for the queue to drain', async () => {
    const queue = new FakeQueue();
    const polling = queue.receive(10, 5, signal);
    setTimeout(() => queue.inject(reconcile('a', 'late')), 20);
    const received = await polling;
    expect(received).toHaveLength(1);
    let idle = false;
    const waiting = queue.idle(20).then(() => {
      idle = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(idle).toBe(false);
    await queue.delete(received[0]?.receiptHandle ?? '', signal);
    await waiting;
    expect(idle).toBe(true);
  });
});

describe('FakeEcs (rollout tripwire)', () => {
  it('throws and records a violation when a second rollout starts while one is IN_PROGRESS', async () => {
    const ecs = new FakeEcs(new FastClock(), { pollsToFinish: 2 });
    ecs.seed({ service: 'svc', container: 'app', image: 'repo@sha256:a' });
    const td = { family: 'svc', containerDefinitions: [{ name: 'app', image: 'repo@sha256:b' }] };
    const ours = { [REVISION_TAG_KEYS.rolloutId]: 'r-1' };
    // Someone else's deployment (CDK, the console) is not the deployer's rollout.
    const foreign = await ecs.registerTaskDefinition(td, {}, signal);
    await ecs.updateService('gitops', 'svc', foreign, signal);
    const arn = await ecs.registerTaskDefinition(td, ours, signal);
    await ecs.updateService('gitops', 'svc', arn, signal);
    await expect(ecs.registerTaskDefinition(td, ours, signal)).rejects.toThrow(/INVARIANT VIOLATED/);
    expect(ecs.violations).toHaveLength(1);

    await ecs.describeService('gitops', 'svc', signal);
    const live = await ecs.describeService('gitops', 'svc', signal);
    expect(live.deployments[0]).toMatchObject({ rolloutState: 'COMPLETED', taskDefinitionArn: arn });
    expect(ecs.liveImage('gitops', 'svc')).toBe('repo@sha256:b');
    expect(ecs.counter.count('ecs:DescribeServices')).toBe(2);
  });
});

describe('the fakes fail the way the AWS adapters do', () => {
  it('FakeEcs sets the output-only fields of a revision itself, whatever the input carries', async () => {
    const ecs = new FakeEcs(new FakeClock());
    const arn = await ecs.registerTaskDefinition(
      {
        family: 'web',
        containerDefinitions: [{ name: 'web', image: 'repo@sha256:a' }],
        taskDefinitionArn: 'arn:aws:ecs:eu-west-1:1:task-definition/web:99',
        revision: 99,
        status: 'INACTIVE',
        deregisteredAt: new Date(0),
      },
      {},
      signal,
    );
    const { taskDefinition } = await ecs.describeTaskDefinition('web', signal);
    expect(taskDefinition).toMatchObject({ taskDefinitionArn: arn, revision: 1, status: 'ACTIVE' });
    expect(arn).toMatch(/:task-definition\/web:1$/);
    expect(taskDefinition.deregisteredAt).toBeUndefined();
  });

  it('FakeEcs answers a missing service as SERVICE_NOT_FOUND and accepts cluster and service ARNs', async () => {
    const ecs = new FakeEcs(new FakeClock());
    ecs.seed({ service: 'web', image: 'repo@sha256:a' });
    const live = await ecs.describeService(
      'arn:aws:ecs:eu-west-1:123456789012:cluster/gitops',
      'arn:aws:ecs:eu-west-1:123456789012:service/gitops/web',
      signal,
    );
    expect(live.deployments).toHaveLength(1);
    await expect(ecs.describeService('gitops', 'nope', signal)).rejects.toMatchObject({
      code: 'SERVICE_NOT_FOUND',
      retryable: false,
    });
  });

  it('FakeRegistry answers an unknown repository as IMAGE_NOT_FOUND', async () => {
    const registry = new FakeRegistry(new FakeClock());
    registry.push('web', '1.0.0');
    expect(await registry.listImages(`${REGISTRY_HOST}/web`, signal)).toHaveLength(1);
    await expect(registry.listImages('other', signal)).rejects.toMatchObject({ code: 'IMAGE_NOT_FOUND' });
    await expect(registry.repositoryUri('other', signal)).rejects.toMatchObject({ code: 'IMAGE_NOT_FOUND' });
  });

  it('FakeCdn completes an invalidation when it is read, and knows its distributions when told', async () => {
    const cdn = new FakeCdn({ distributions: ['E1'], getsToComplete: 2 });
    const first = await cdn.createInvalidation('E1', ['/*'], 'rollout-1', signal);
    expect(await cdn.getInvalidation('E1', first.id, signal)).toEqual({ id: first.id, status: 'InProgress' });
    expect(await cdn.getInvalidation('E1', first.id, signal)).toEqual({ id: first.id, status: 'Completed' });
    expect(await cdn.createInvalidation('E1', ['/*'], 'rollout-1', signal)).toEqual({
      id: first.id,
      status: 'Completed',
    });
    await expect(cdn.createInvalidation('E9', ['/*'], 'rollout-2', signal)).rejects.toMatchObject({
      code: 'AWS_REQUEST_REJECTED',
    });
    expect(cdn.creates).toBe(3);
  });

  it('FakeQueue refuses receive sizes SQS refuses, and visibility changes of messages not in flight', async () => {
    const queue = new FakeQueue();
    await expect(queue.receive(11, 0, signal)).rejects.toMatchObject({ code: 'AWS_REQUEST_REJECTED' });
    await expect(queue.receive(1, 21, signal)).rejects.toMatchObject({ code: 'AWS_REQUEST_REJECTED' });
    queue.inject(reconcile('a', '1'));
    const [message] = await queue.receive(1, 0, signal);
    await queue.delete(message?.receiptHandle ?? '', signal);
    await expect(queue.changeVisibility(message?.receiptHandle ?? '', 10, signal)).rejects.toMatchObject({
      code: 'AWS_REQUEST_REJECTED',
    });
  });

  it('FakeQueue dead-letters a message received more than maxReceives times', async () => {
    const queue = new FakeQueue({ maxReceives: 2 });
    queue.inject(reconcile('a', '1'));
    for (let i = 0; i < 2; i++) {
      const [message] = await queue.receive(1, 0, signal);
      await queue.changeVisibility(message?.receiptHandle ?? '', 0, signal);
    }
    expect(await queue.receive(1, 0, signal)).toEqual([]);
    expect(queue.dead.map((m) => m.receiveCount)).toEqual([2]);
  });
});
