// The scale benchmark's conclusions rest on its port fakes behaving like SQS FIFO and ECS where it
// matters: group ordering, deduplication, visibility, and the "never two rollouts" tripwire.
import { describe, expect, it } from 'vitest';
import { CallCounter } from '../../bench/fakes/call-counter.ts';
import { FakeEcs } from '../../bench/fakes/fake-ecs.ts';
import { FakeQueue } from '../../bench/fakes/fake-queue.ts';
import type { QueueMessage } from '../../deployer/domain/types.ts';

const signal = new AbortController().signal;
const reconcile = (service: string, reason: string): QueueMessage => ({ kind: 'reconcile', service, reason });

describe('FakeQueue (SQS FIFO semantics)', () => {
  it('receive holds back a group while one of its messages is in flight, other groups flow', async () => {
    const queue = new FakeQueue({ counter: new CallCounter() });
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
    const queue = new FakeQueue({ counter: new CallCounter() });
    await queue.send(reconcile('a', 'same'), signal);
    await queue.send(reconcile('a', 'same'), signal);
    expect(queue.inject(reconcile('a', 'same'), 'event-1')).toBe(true);
    expect(queue.duplicatesDropped).toBe(1);
    expect(queue.snapshot()).toEqual({ visible: 2, inFlight: 0 });
  });

  it('changeVisibility(0) releases a message for redelivery with a higher receive count', async () => {
    const queue = new FakeQueue({ counter: new CallCounter() });
    queue.inject(reconcile('a', '1'));
    const [message] = await queue.receive(1, 0, signal);
    await queue.changeVisibility(message?.receiptHandle ?? '', 0, signal);
    const [again] = await queue.receive(1, 0, signal);
    expect(again?.messageId).toBe(message?.messageId);
    expect(again?.receiveCount).toBe(2);
  });

  it('a long poll wakes up when a message arrives and idle() waits for the queue to drain', async () => {
    const queue = new FakeQueue({ counter: new CallCounter() });
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
    const counter = new CallCounter();
    const ecs = new FakeEcs({ counter, completeAfterDescribes: 2 });
    ecs.seedService('gitops', 'svc', 'app', 'repo@sha256:a');
    const td = { family: 'svc', containerDefinitions: [{ name: 'app', image: 'repo@sha256:b' }] };
    const arn = await ecs.registerTaskDefinition(td, {}, signal);
    await ecs.updateService('gitops', 'svc', arn, signal);
    await expect(ecs.registerTaskDefinition(td, {}, signal)).rejects.toThrow(/INVARIANT VIOLATED/);
    expect(ecs.violations).toHaveLength(1);

    await ecs.describeService('gitops', 'svc', signal);
    const live = await ecs.describeService('gitops', 'svc', signal);
    expect(live.deployments[0]).toMatchObject({ rolloutState: 'COMPLETED', taskDefinitionArn: arn });
    expect(ecs.liveImage('gitops', 'svc')).toBe('repo@sha256:b');
    expect(counter.count('ecs:DescribeServices')).toBe(2);
  });
});
