import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { startFauxqs } from 'fauxqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsClients, createAwsClients } from '../../../deployer/adapters/aws/clients.ts';
import {
  type IgnoredMessage,
  type PoisonMessage,
  SqsQueue,
} from '../../../deployer/adapters/aws/sqs-adapter.ts';
import type { DeployerError } from '../../../deployer/domain/errors.ts';
import type { QueueMessage } from '../../../deployer/domain/types.ts';
import { createFifoWithDlq, ecrDeleteEvent } from '../../support/sqs-queues.ts';

type Fauxqs = Awaited<ReturnType<typeof startFauxqs>>;
let server: Fauxqs;
let clients: AwsClients;
const signal = new AbortController().signal;
let counter = 0;

beforeAll(async () => {
  server = await startFauxqs({ port: 0, logger: false, host: 'localhost' });
  clients = createAwsClients({
    region: 'us-east-1',
    maxAttempts: 1,
    endpoints: { sqs: server.address },
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});

afterAll(async () => {
  clients?.destroy();
  await server?.stop();
});

/** A fresh FIFO queue (and DLQ) per test so tests never see each other's messages. */
function fifoQueue(): Promise<{ url: string; dlqUrl: string }> {
  counter += 1;
  return createFifoWithDlq(clients.sqs, `work-${counter}`, 3);
}

const reconcile: QueueMessage = { kind: 'reconcile', service: 'actors', reason: 'test' };
const imagePush: QueueMessage = {
  kind: 'image-push',
  repository: 'actors',
  digest: `sha256:${'a'.repeat(64)}`,
  tag: '1.1.0',
  pushedAt: '2026-01-01T00:00:00.000Z',
};

describe('SqsQueue against fauxqs', () => {
  it.each([
    { message: reconcile, group: 'service:actors' },
    { message: imagePush, group: 'intake' },
  ])(
    'send then receive round-trips a $message.kind message with group $group',
    async ({ message, group }) => {
      const { url } = await fifoQueue();
      const queue = new SqsQueue({ client: clients.sqs, queueUrl: url });
      await queue.send(message, signal);
      const received = await queue.receive(10, 1, signal);
      expect(received).toHaveLength(1);
      expect(received[0]?.body).toEqual(message);
      expect(received[0]?.groupId).toBe(group);
      expect(received[0]?.receiveCount).toBe(1);
    },
  );

  it('send deduplicates the same message by its deduplication id', async () => {
    const { url } = await fifoQueue();
    const queue = new SqsQueue({ client: clients.sqs, queueUrl: url });
    await queue.send(imagePush, signal);
    await queue.send(imagePush, signal);
    expect((await queue.stats(signal)).visible).toBe(1);
  });

  it('delete removes the message and stats counts visible and in-flight messages', async () => {
    const { url } = await fifoQueue();
    const queue = new SqsQueue({ client: clients.sqs, queueUrl: url });
    await queue.send(reconcile, signal);
    await queue.send({ ...reconcile, service: 'other' }, signal);
    expect(await queue.stats(signal)).toEqual({ visible: 2, inFlight: 0 });
    const [first] = await queue.receive(1, 0, signal);
    expect(await queue.stats(signal)).toEqual({ visible: 1, inFlight: 1 });
    await queue.delete(first!.receiptHandle, signal);
    expect(await queue.stats(signal)).toEqual({ visible: 1, inFlight: 0 });
  });

  it('changeVisibility(0) makes a message receivable again with a higher receive count', async () => {
    const { url } = await fifoQueue();
    const queue = new SqsQueue({ client: clients.sqs, queueUrl: url });
    await queue.send(reconcile, signal);
    const [first] = await queue.receive(1, 0, signal);
    expect(await queue.receive(1, 0, signal)).toEqual([]);
    await queue.changeVisibility(first!.receiptHandle, 0, signal);
    const [again] = await queue.receive(1, 1, signal);
    expect(again?.messageId).toBe(first?.messageId);
    expect(again?.receiveCount).toBe(2);
  });

  it('receive moves an undecodable body to the DLQ and returns only valid messages', async () => {
    const { url, dlqUrl } = await fifoQueue();
    const poison: PoisonMessage[] = [];
    const queue = new SqsQueue({
      client: clients.sqs,
      queueUrl: url,
      deadLetterQueueUrl: dlqUrl,
      onPoison: (p) => poison.push(p),
    });
    await clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: '{"kind":"bogus"}',
        MessageGroupId: 'intake',
        MessageDeduplicationId: 'bad-1',
      }),
    );
    await queue.send(imagePush, signal);
    // FIFO may hold back the next message of the group until the poison one is gone: receive twice.
    const received = [...(await queue.receive(10, 1, signal)), ...(await queue.receive(10, 1, signal))];
    expect(received.map((m) => m.body)).toEqual([imagePush]);
    expect(poison).toHaveLength(1);
    expect(poison[0]).toMatchObject({
      body: '{"kind":"bogus"}',
      groupId: 'intake',
      outcome: 'dead-lettered',
    });
    expect(poison[0]?.error.code).toBe('EVENT_INVALID');
    const inDlq = await clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: dlqUrl, WaitTimeSeconds: 1 }));
    expect(inDlq.Messages?.map((m) => m.Body)).toEqual(['{"kind":"bogus"}']);
  });

  it('receive deletes a recognised EventBridge event that asks for nothing (an ECR DELETE) instead of dead-lettering it', async () => {
    const { url, dlqUrl } = await fifoQueue();
    const poison: PoisonMessage[] = [];
    const ignored: IgnoredMessage[] = [];
    const queue = new SqsQueue({
      client: clients.sqs,
      queueUrl: url,
      deadLetterQueueUrl: dlqUrl,
      onPoison: (p) => poison.push(p),
      onIgnored: (i) => ignored.push(i),
    });
    await clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: ecrDeleteEvent('e1'),
        MessageGroupId: 'intake',
        MessageDeduplicationId: 'delete-1',
      }),
    );
    expect(await queue.receive(10, 1, signal)).toEqual([]);
    expect(poison).toEqual([]);
    expect(ignored).toHaveLength(1);
    expect(ignored[0]?.reason).toMatch(/DELETE/);
    expect(await queue.stats(signal)).toEqual({ visible: 0, inFlight: 0 });
    const inDlq = await clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: dlqUrl, WaitTimeSeconds: 0 }));
    expect(inDlq.Messages ?? []).toEqual([]);
  });

  it('receive without a DLQ URL releases a poison message at once instead of returning it', async () => {
    const { url } = await fifoQueue();
    const poison: PoisonMessage[] = [];
    const queue = new SqsQueue({ client: clients.sqs, queueUrl: url, onPoison: (p) => poison.push(p) });
    await clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: 'not json',
        MessageGroupId: 'intake',
        MessageDeduplicationId: 'x',
      }),
    );
    expect(await queue.receive(10, 0, signal)).toEqual([]);
    expect(poison.map((p) => p.outcome)).toEqual(['released']);
    expect((await queue.stats(signal)).visible).toBe(1);
  });

  it('receive with an already aborted signal fails with ABORTED', async () => {
    const { url } = await fifoQueue();
    const queue = new SqsQueue({ client: clients.sqs, queueUrl: url });
    const error = await queue.receive(1, 0, AbortSignal.abort()).catch((e: unknown) => e);
    expect((error as DeployerError).code).toBe('ABORTED');
  });
});
