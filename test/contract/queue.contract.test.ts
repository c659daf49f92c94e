// QueuePort contract: what an SQS FIFO queue guarantees, in all three worlds.
// FIFO delivery logic: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/FIFO-queues-understanding-logic.html
import { CreateQueueCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { expect, it } from 'vitest';
import { type AwsClients, createAwsClients } from '../../deployer/adapters/aws/clients.ts';
import { SqsQueue } from '../../deployer/adapters/aws/sqs-adapter.ts';
import type { QueueMessage } from '../../deployer/domain/types.ts';
import type { QueuePort, ReceivedMessage } from '../../deployer/ports.ts';
import { startLocalQueue } from '../../local/sqs.ts';
import { FakeQueue } from '../support/fakes/index.ts';
import { motoAccount } from '../support/moto-accounts.ts';
import { contract, type Subject, signal } from './worlds.ts';

interface QueueSubject extends Subject {
  /** A fresh, empty FIFO queue (30 s visibility timeout) so tests never see each other's messages. */
  newQueue(): Promise<QueuePort>;
}

const credentials = { accessKeyId: 'contract', secretAccessKey: 'contract' };
let queues = 0;

function sqsWorld(
  endpoint: string,
  stopServer: () => Promise<void>,
  keys: { accessKeyId: string; secretAccessKey: string } = credentials,
): QueueSubject {
  const clients: AwsClients = createAwsClients({
    region: 'us-east-1',
    maxAttempts: 1,
    credentials: keys,
    endpoints: { sqs: endpoint },
  });
  return {
    newQueue: async () => new SqsQueue({ client: clients.sqs, queueUrl: await createFifoQueue(clients.sqs) }),
    stop: async () => {
      clients.destroy();
      await stopServer();
    },
  };
}

async function createFifoQueue(client: SQSClient): Promise<string> {
  queues += 1;
  const output = await client.send(
    new CreateQueueCommand({
      QueueName: `contract-${process.pid}-${queues}.fifo`,
      Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'false', VisibilityTimeout: '30' },
    }),
  );
  if (!output.QueueUrl) throw new Error('CreateQueue answered without a QueueUrl');
  return output.QueueUrl;
}

const reconcile = (service: string, reason: string): QueueMessage => ({ kind: 'reconcile', service, reason });

/** Receives until `count` messages of `group` arrived, deleting each batch (the consumer's loop). */
async function drainGroup(queue: QueuePort, group: string, count: number): Promise<ReceivedMessage[]> {
  const seen: ReceivedMessage[] = [];
  for (let round = 0; round < 20 && seen.length < count; round++) {
    const batch = (await queue.receive(10, 1, signal)).filter((m) => m.groupId === group);
    seen.push(...batch);
    for (const message of batch) await queue.delete(message.receiptHandle, signal);
  }
  return seen;
}

contract<QueueSubject>(
  'QueuePort',
  {
    fake: async () => ({ newQueue: async () => new FakeQueue(), stop: async () => {} }),
    standin: async () => {
      // The local world's queue server (fauxqs on loopback, as `npm run local` starts it).
      const local = await startLocalQueue({ port: 0 });
      return sqsWorld(local.endpoint, () => local.stop());
    },
    moto: async () => {
      const moto = await motoAccount();
      return sqsWorld(moto.endpoint, () => moto.stop(), moto.credentials);
    },
  },
  (subject) => {
    // SendMessage / ReceiveMessage; a FIFO message carries its MessageGroupId, and ApproximateReceiveCount
    // counts deliveries (API_ReceiveMessage.html, MessageSystemAttributeNames).
    it.each([
      { message: reconcile('actors', 'contract'), group: 'service:actors' },
      {
        message: {
          kind: 'image-push',
          repository: 'actors',
          digest: `sha256:${'a'.repeat(64)}`,
          tag: '1.1.0',
          pushedAt: '2026-01-01T00:00:00.000Z',
        } satisfies QueueMessage,
        group: 'intake',
      },
    ])(
      'send then receive round-trips a $message.kind message in group $group',
      async ({ message, group }) => {
        const queue = await subject().newQueue();
        await queue.send(message, signal);
        const [received, ...rest] = await queue.receive(10, 1, signal);
        expect(rest).toEqual([]);
        expect(received).toMatchObject({ body: message, groupId: group, receiveCount: 1 });
      },
    );

    // "Amazon SQS FIFO queues don't introduce duplicate messages [...] if you retry SendMessage within the
    // 5-minute deduplication interval" (FIFO-queues-exactly-once-processing.html).
    it('a message sent twice with its deduplication id is delivered once', async () => {
      const queue = await subject().newQueue();
      await queue.send(reconcile('actors', 'twice'), signal);
      await queue.send(reconcile('actors', 'twice'), signal);
      const received = await queue.receive(10, 1, signal);
      expect(received.map((m) => m.body)).toEqual([reconcile('actors', 'twice')]);
      expect(await queue.receive(10, 0, signal)).toEqual([]);
    });

    // SendMessageBatch takes up to 10 entries ("The maximum number of entries you can include in a single
    // SendMessageBatch ... request is 10", TooManyEntriesInBatchRequest, API_SendMessageBatch.html), each
    // with its own MessageGroupId and MessageDeduplicationId; a batch keeps FIFO order within a group.
    it('sendBatch delivers 23 messages over 12 groups once each, in order per group, and a repeat adds none', async () => {
      const queue = await subject().newQueue();
      const sent = Array.from({ length: 23 }, (_, n) => reconcile(`s${n % 12}`, `batch-${n}`));
      await queue.sendBatch(sent, signal);
      await queue.sendBatch(sent.slice(0, 10), signal); // within the deduplication interval: dropped
      const received: ReceivedMessage[] = [];
      for (let round = 0; round < 30 && received.length < sent.length; round++) {
        const batch = await queue.receive(10, 1, signal);
        received.push(...batch);
        for (const message of batch) await queue.delete(message.receiptHandle, signal);
      }
      expect(await queue.receive(10, 0, signal)).toEqual([]);
      expect(received.map((m) => m.body)).toHaveLength(sent.length);
      for (let group = 0; group < 12; group++) {
        const of = (messages: QueueMessage[]) =>
          messages.filter((m) => m.kind === 'reconcile' && m.service === `s${group}`);
        expect(of(received.map((m) => m.body))).toEqual(of(sent));
      }
    });

    // "You can't receive additional messages with the same message group ID until the messages are deleted
    // or become visible"; "messages retrieved in a batch retain their FIFO order within the group"
    // (FIFO-queues-understanding-logic.html, Receiving messages).
    it('a group is delivered in send order and holds back while one of its messages is in flight', async () => {
      const queue = await subject().newQueue();
      const sent = ['1', '2', '3'].map((n) => reconcile('a', `step-${n}`));
      for (const message of sent) await queue.send(message, signal);
      await queue.send(reconcile('b', 'other-group'), signal);

      const first = await queue.receive(10, 1, signal);
      const firstOfA = first.filter((m) => m.groupId === 'service:a').map((m) => m.body);
      expect(firstOfA.length).toBeGreaterThan(0);
      expect(firstOfA).toEqual(sent.slice(0, firstOfA.length));
      // Group a is in flight: nothing more of it, while group b is still served. No long poll: every world
      // here answers a short poll from the whole queue, and a poll of 1 s only waited out the empty answer.
      const second = await queue.receive(10, 0, signal);
      expect(second.filter((m) => m.groupId === 'service:a')).toEqual([]);
      expect([...first, ...second].map((m) => m.groupId)).toContain('service:b');

      for (const message of first.filter((m) => m.groupId === 'service:a'))
        await queue.delete(message.receiptHandle, signal);
      const rest = await drainGroup(queue, 'service:a', sent.length - firstOfA.length);
      expect([...firstOfA, ...rest.map((m) => m.body)]).toEqual(sent);
    });

    // A long poll returns as soon as a message is available ("If a message is available, the call returns
    // sooner than WaitTimeSeconds", API_ReceiveMessage.html), and deleting a group's in-flight message makes
    // its next message available (FIFO-queues-understanding-logic.html): a poll that began while the group
    // was blocked returns it. Unpatched moto 5.2 ends that poll empty (test/contract/moto-limits.ts).
    it('a long poll that began while a group was in flight returns its next message once the first is deleted', async () => {
      const queue = await subject().newQueue();
      await queue.send(reconcile('a', 'first'), signal);
      await queue.send(reconcile('a', 'second'), signal);
      const [first] = await queue.receive(1, 1, signal);
      expect(first?.body).toEqual(reconcile('a', 'first'));
      const polling = queue.receive(10, 3, signal);
      // Orders the calls, asserts nothing: the poll reaches the queue before the delete (a poll that came
      // after it would find the message at once, and the test would prove less, not fail).
      await new Promise((resolve) => setTimeout(resolve, 250));
      await queue.delete(first!.receiptHandle, signal);
      expect((await polling).map((m) => m.body)).toEqual([reconcile('a', 'second')]);
    });

    // ChangeMessageVisibility with VisibilityTimeout 0 makes the message visible at once; it is received again
    // with a higher ApproximateReceiveCount, still ahead of the later messages of its group.
    it('changeVisibility(0) returns a message to the head of its group with a higher receive count', async () => {
      const queue = await subject().newQueue();
      await queue.send(reconcile('a', 'head'), signal);
      await queue.send(reconcile('a', 'next'), signal);
      const [head] = await queue.receive(1, 1, signal);
      expect(head?.body).toEqual(reconcile('a', 'head'));
      await queue.changeVisibility(head!.receiptHandle, 0, signal);
      const [again] = await queue.receive(1, 1, signal);
      expect(again?.messageId).toBe(head?.messageId);
      expect(again?.receiveCount).toBe(2);
    });

    // DeleteMessage removes the message; ApproximateNumberOfMessages / ...NotVisible count visible and
    // in-flight messages (API_GetQueueAttributes.html).
    it('delete removes a message and stats count visible and in-flight messages', async () => {
      const queue = await subject().newQueue();
      await queue.send(reconcile('a', 'stats'), signal);
      await queue.send(reconcile('b', 'stats'), signal);
      expect(await queue.stats(signal)).toEqual({ visible: 2, inFlight: 0 });
      const [first] = await queue.receive(1, 1, signal);
      expect(await queue.stats(signal)).toEqual({ visible: 1, inFlight: 1 });
      await queue.delete(first!.receiptHandle, signal);
      expect(await queue.stats(signal)).toEqual({ visible: 1, inFlight: 0 });
    });
  },
);
