// The queue as the local world fills it: ECR pushes arrive as EventBridge events (as in AWS) and
// must come out of SqsQueue.receive as `image-push` messages, not as poison.
import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsClients, createAwsClients } from '../../../deployer/adapters/aws/clients.ts';
import { type PoisonMessage, SqsQueue } from '../../../deployer/adapters/aws/sqs-adapter.ts';
import { decodeQueueBody } from '../../../deployer/domain/events/queue-body.ts';

const imagePushFromEventBridge = (body: string) => {
  const decoded = decodeQueueBody(body);
  return decoded.kind === 'message' && decoded.message.kind === 'image-push' ? decoded.message : undefined;
};

import { type LocalWorld, startLocalWorld } from '../../../local/world.ts';

let world: LocalWorld;
let clients: AwsClients;
const signal = new AbortController().signal;
const sample = readFileSync(new URL('./fixtures/ecr-image-action.json', import.meta.url), 'utf8');

beforeAll(async () => {
  world = await startLocalWorld({ logger: pino({ level: 'silent' }), seed: false });
  world.registry.createRepository('actors');
  clients = createAwsClients({
    maxAttempts: 1,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    endpoints: { sqs: world.endpoints.sqs },
  });
}, 30_000);

afterAll(async () => {
  clients?.destroy();
  await world?.stop();
});

describe('decodeQueueBody as the queue reads EventBridge events', () => {
  it('turns the AWS sample ECR Image Action event into an image-push message', () => {
    expect(imagePushFromEventBridge(sample)).toEqual({
      kind: 'image-push',
      repository: 'my-repository-name',
      digest: 'sha256:7f5b2640fe6fb4f46592dfd3410c4a79dac4f89e4782432e0378abcd1234',
      tag: 'latest',
      pushedAt: '2019-11-16T01:54:34Z',
    });
  });

  const event = JSON.parse(sample) as { detail: Record<string, unknown> };
  it.each([
    ['a DELETE action', { ...event, detail: { ...event.detail, 'action-type': 'DELETE' } }],
    ['a failed push', { ...event, detail: { ...event.detail, result: 'FAILURE' } }],
    ['another source', { ...event, source: 'aws.s3' }],
    ['a missing digest', { ...event, detail: { ...event.detail, 'image-digest': undefined } }],
    ['our own message', { kind: 'resync', reason: 'x' }],
  ])('returns undefined for %s', (_name, body) => {
    expect(imagePushFromEventBridge(JSON.stringify(body))).toBeUndefined();
  });

  it('returns undefined for text that is not JSON', () => {
    expect(imagePushFromEventBridge('{nope')).toBeUndefined();
  });
});

describe('SqsQueue on the local world queue', () => {
  it('receives a pushed image as an image-push message in group intake', async () => {
    const poison: PoisonMessage[] = [];
    const queue = new SqsQueue({
      client: clients.sqs,
      queueUrl: world.queueUrl,
      deadLetterQueueUrl: world.dlqUrl,
      onPoison: (p) => poison.push(p),
    });
    const pushed = await world.push('actors', '1.2.3');
    const received = await queue.receive(10, 2, signal);
    expect(poison).toEqual([]);
    expect(received.map((m) => ({ body: m.body, groupId: m.groupId }))).toEqual([
      {
        body: {
          kind: 'image-push',
          repository: 'actors',
          digest: pushed.digest,
          tag: '1.2.3',
          pushedAt: expect.any(String),
        },
        groupId: 'intake',
      },
    ]);
    await queue.delete(received[0]!.receiptHandle, signal);
    expect(await queue.stats(signal)).toEqual({ visible: 0, inFlight: 0 });
  });
});
