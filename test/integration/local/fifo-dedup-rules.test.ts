// The FIFO deduplication rules the ECR → EventBridge → SQS path depends on, checked the same way on the
// local SQS (fauxqs, over the wire and in-process as local/world.ts sends) and on moto: a FIFO
// SendMessage without MessageDeduplicationId is refused unless the queue has content-based
// deduplication on; with it on, the body's SHA-256 is the id and an explicit id still wins.
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/using-messagededuplicationid-property.html
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { buildApp } from 'fauxqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalQueue, startLocalQueue } from '../../../local/sqs.ts';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitForHttp(url: string, deadlineMs: number): Promise<void> {
  for (;;) {
    try {
      await fetch(url);
      return;
    } catch {
      if (Date.now() > deadlineMs) throw new Error(`${url} did not answer`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

function client(endpoint: string): SQSClient {
  return new SQSClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    useQueueUrlAsEndpoint: false,
  });
}

let fauxqs: ReturnType<typeof buildApp>;
let localQueue: LocalQueue;
let moto: ChildProcess;
const endpoints: Record<string, string> = {};

beforeAll(async () => {
  // startFauxqs() listens on every interface; build the app and listen on loopback (as local/sqs.ts).
  fauxqs = buildApp({ logger: false, host: '127.0.0.1', defaultRegion: 'us-east-1' });
  endpoints.fauxqs = await fauxqs.listen({ port: 0, host: '127.0.0.1' });
  localQueue = await startLocalQueue({ port: 0 });
  const port = await freePort();
  moto = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  endpoints.moto = `http://127.0.0.1:${port}`;
  await waitForHttp(`${endpoints.moto}/moto-api/`, Date.now() + 60_000);
}, 90_000);

afterAll(async () => {
  moto?.kill();
  await fauxqs?.close();
  await localQueue?.stop();
});

describe.each(['fauxqs', 'moto'])('FIFO deduplication on %s', (name) => {
  const sqs = () => client(endpoints[name]!);
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
