// The FIFO deduplication rules the ECR → EventBridge → SQS path depends on, checked the same way on the
// local SQS (fauxqs, over the wire and in-process as local/world.ts sends) and on moto: a FIFO
// SendMessage without MessageDeduplicationId is refused unless the queue has content-based
// deduplication on; with it on, the body's SHA-256 is the id and an explicit id still wins.
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/using-messagededuplicationid-property.html
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalQueue, startLocalQueue } from '../../../local/sqs.ts';
import { SQS_SERVERS, type SqsServer } from '../../support/sqs-servers.ts';

const TEST_KEYS = { accessKeyId: 'test', secretAccessKey: 'test' };

function client(endpoint: string, credentials = TEST_KEYS): SQSClient {
  return new SQSClient({
    endpoint,
    region: 'us-east-1',
    credentials,
    useQueueUrlAsEndpoint: false,
  });
}

let localQueue: LocalQueue;
const servers: Partial<Record<keyof typeof SQS_SERVERS, SqsServer>> = {};

beforeAll(async () => {
  localQueue = await startLocalQueue({ port: 0 });
  servers.fauxqs = await SQS_SERVERS.fauxqs();
  servers.moto = await SQS_SERVERS.moto();
}, 90_000);

afterAll(async () => {
  await Promise.all(Object.values(servers).map((server) => server.stop()));
  await localQueue?.stop();
});

describe.each(['fauxqs', 'moto'] as const)('FIFO deduplication on %s', (name) => {
  const sqs = () => client(servers[name]?.endpoint ?? '', servers[name]?.credentials);
  const queue = async (contentBased: boolean) => {
    const created = await sqs().send(
      new CreateQueueCommand({
        QueueName: `dedup-${contentBased}-${Math.random().toString(36).slice(2, 8)}.fifo`,
        Attributes: { FifoQueue: 'true', ContentBasedDeduplication: String(contentBased) },
      }),
    );
    return created.QueueUrl!;
  };
  const send = (queueUrl: string, deduplicationId?: string) =>
    sqs().send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: '{"source":"aws.ecr"}',
        MessageGroupId: 'intake',
        ...(deduplicationId ? { MessageDeduplicationId: deduplicationId } : {}),
      }),
    );

  it('refuses a send without a deduplication id when content-based dedup is off (what EventBridge sends)', async () => {
    const queueUrl = await queue(false);
    await expect(send(queueUrl)).rejects.toThrow(/ContentBasedDeduplication|MessageDeduplicationId/);
    await expect(send(queueUrl, 'explicit')).resolves.toHaveProperty('MessageId');
  });

  it('accepts it with content-based dedup on, drops a repeated body, and lets an explicit id win', async () => {
    const queueUrl = await queue(true);
    await send(queueUrl);
    await send(queueUrl);
    await send(queueUrl, 'explicit-1');
    // One group: SQS hands out the next message only after the one in flight is deleted.
    const bodies: string[] = [];
    for (let round = 0; round < 5; round += 1) {
      const answer = await sqs().send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }),
      );
      for (const message of answer.Messages ?? []) {
        bodies.push(message.Body ?? '');
        await sqs().send(
          new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }),
        );
      }
    }
    expect(bodies).toHaveLength(2);
  });
});

describe('the local intake queue local/world.ts sends ECR events to', () => {
  it('takes a send without a deduplication id, as the template turns content-based dedup on', async () => {
    const body = JSON.stringify({ source: 'aws.ecr', id: 'e-1' });
    await expect(localQueue.send(body, { groupId: 'intake' })).resolves.toBeUndefined();
    // The same event delivered twice within 5 minutes is one message.
    await localQueue.send(body, { groupId: 'intake' });
    const answer = await client(localQueue.endpoint).send(
      new ReceiveMessageCommand({ QueueUrl: localQueue.queueUrl, MaxNumberOfMessages: 10 }),
    );
    expect(answer.Messages?.map((message) => message.Body)).toEqual([body]);
  });
});
