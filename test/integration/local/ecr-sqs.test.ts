import { createHash } from 'node:crypto';
import {
  BatchGetImageCommand,
  CreateRepositoryCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ImageNotFoundException,
  ListImagesCommand,
  RepositoryAlreadyExistsException,
  RepositoryNotFoundException,
} from '@aws-sdk/client-ecr';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ECR_PUSH_PATH } from '../../../local/ecr/server.ts';
import { readIntakeTemplate } from '../../../local/sqs.ts';
import { type LocalWorld, startLocalWorld } from '../../../local/world.ts';
import { clients, echoWorldOptions } from './helpers.ts';

let world: LocalWorld;
let sdk: ReturnType<typeof clients>;

beforeAll(async () => {
  world = await startLocalWorld(echoWorldOptions({ maxReceiveCount: 2, visibilityTimeoutSeconds: 1 }));
  sdk = clients(world);
});
afterAll(async () => {
  await world.stop();
});

async function drain(queueUrl: string): Promise<string[]> {
  const bodies: string[] = [];
  for (;;) {
    const answer = await sdk.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }),
    );
    if (!answer.Messages?.length) return bodies;
    for (const message of answer.Messages) {
      bodies.push(message.Body ?? '');
      await sdk.sqs.send(
        new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }),
      );
    }
  }
}

describe('ECR stand-in through @aws-sdk/client-ecr', () => {
  it('describes the seeded repository with an ECR-shaped local URI', async () => {
    const answer = await sdk.ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['actors'] }));
    expect(answer.repositories?.[0]?.repositoryUri).toBe('000000000000.dkr.ecr.us-east-1.localhost/actors');
    expect(answer.repositories?.[0]?.createdAt).toBeInstanceOf(Date);
  });

  it('pages DescribeImages with maxResults/nextToken and filters by imageIds', async () => {
    await sdk.ecr.send(new CreateRepositoryCommand({ repositoryName: 'paged' }));
    const pushed = ['a', 'b', 'c', 'd', 'e'].map((tag) => world.registry.push('paged', tag));
    const seen: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await sdk.ecr.send(
        new DescribeImagesCommand({ repositoryName: 'paged', maxResults: 2, nextToken }),
      );
      pages += 1;
      for (const detail of page.imageDetails ?? []) {
        seen.push(detail.imageDigest ?? '');
        expect(detail.imagePushedAt).toBeInstanceOf(Date);
        expect(detail.imageSizeInBytes).toBeGreaterThan(0);
      }
      nextToken = page.nextToken;
    } while (nextToken);
    expect(pages).toBe(3);
    expect(seen).toEqual(pushed.map((image) => image.digest));
    const one = await sdk.ecr.send(
      new DescribeImagesCommand({ repositoryName: 'paged', imageIds: [{ imageTag: 'c' }] }),
    );
    expect(one.imageDetails?.map((detail) => detail.imageTags)).toEqual([['c']]);
  });

  it('moves a tag to the new digest when the same tag is pushed twice', async () => {
    const first = world.registry.push('paged', 'moving');
    const second = world.registry.push('paged', 'moving');
    expect(second.digest).not.toBe(first.digest);
    const listed = await sdk.ecr.send(new ListImagesCommand({ repositoryName: 'paged' }));
    const tagged = listed.imageIds?.filter((id) => id.imageTag === 'moving');
    expect(tagged).toEqual([{ imageDigest: second.digest, imageTag: 'moving' }]);
    const batch = await sdk.ecr.send(
      new BatchGetImageCommand({
        repositoryName: 'paged',
        imageIds: [{ imageTag: 'moving' }, { imageTag: 'ghost' }],
      }),
    );
    expect(batch.images?.[0]?.imageId?.imageDigest).toBe(second.digest);
    expect(batch.failures?.[0]?.failureCode).toBe('ImageNotFound');
  });

  it.each([
    [
      'missing repository',
      () => new DescribeImagesCommand({ repositoryName: 'ghost' }),
      RepositoryNotFoundException,
    ],
    [
      'missing image',
      () => new DescribeImagesCommand({ repositoryName: 'actors', imageIds: [{ imageTag: 'nope' }] }),
      ImageNotFoundException,
    ],
    [
      'duplicate repository',
      () => new CreateRepositoryCommand({ repositoryName: 'actors' }),
      RepositoryAlreadyExistsException,
    ],
  ] as const)('answers %s with the SDK exception class', async (_name, command, errorClass) => {
    await expect(sdk.ecr.send(command() as never)).rejects.toBeInstanceOf(errorClass);
  });

  it('sends the EventBridge "ECR Image Action" event to the FIFO queue when pushing over the admin endpoint', async () => {
    await drain(world.queueUrl);
    const response = await fetch(new URL(ECR_PUSH_PATH, world.endpoints.ecr), {
      method: 'POST',
      body: JSON.stringify({ repository: 'actors', tag: '2.0.0', broken: true }),
    });
    const pushed = (await response.json()) as { digest: string; broken: boolean };
    expect(response.status).toBe(200);
    expect(pushed.broken).toBe(true);
    const answer = await sdk.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: world.queueUrl,
        MessageSystemAttributeNames: ['MessageGroupId', 'MessageDeduplicationId'],
      }),
    );
    const message = answer.Messages?.[0];
    expect(message?.Attributes?.MessageGroupId).toBe(readIntakeTemplate().rule.sqsParameters.MessageGroupId);
    // Like EventBridge, the stand-in sends no deduplication id: the queue derived it from the body.
    expect(message?.Attributes?.MessageDeduplicationId).toBe(
      createHash('sha256')
        .update(message?.Body ?? '')
        .digest('hex'),
    );
    const event = JSON.parse(message?.Body ?? '{}');
    expect(event).toMatchObject({
      source: 'aws.ecr',
      'detail-type': 'ECR Image Action',
      detail: {
        result: 'SUCCESS',
        'repository-name': 'actors',
        'image-digest': pushed.digest,
        'action-type': 'PUSH',
        'image-tag': '2.0.0',
      },
    });
    await sdk.sqs.send(
      new DeleteMessageCommand({ QueueUrl: world.queueUrl, ReceiptHandle: message?.ReceiptHandle }),
    );
    const bad = await fetch(new URL(ECR_PUSH_PATH, world.endpoints.ecr), {
      method: 'POST',
      body: '{"repository":"ghost","tag":"1"}',
    });
    expect(bad.status).toBe(400);
  });
});

describe('SQS (fauxqs) through @aws-sdk/client-sqs', () => {
  it('is configured as the synthesized template configures the intake queue (content-based dedup on)', async () => {
    const attributes = await sdk.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: world.queueUrl, AttributeNames: ['All'] }),
    );
    const template = readIntakeTemplate();
    expect(template.queue.ContentBasedDeduplication).toBe(true);
    expect(attributes.Attributes?.FifoQueue).toBe('true');
    expect(attributes.Attributes?.ContentBasedDeduplication).toBe('true');
    expect(world.queueUrl.endsWith(`/${template.queue.QueueName}`)).toBe(true);
    // Without an id the body's SHA-256 is the id, so a repeat within 5 minutes is dropped; an explicit
    // id (the deployer's own messages) wins over the body.
    await drain(world.queueUrl);
    const send = (deduplicationId?: string) =>
      sdk.sqs.send(
        new SendMessageCommand({
          QueueUrl: world.queueUrl,
          MessageBody: 'same body',
          MessageGroupId: 'intake',
          ...(deduplicationId ? { MessageDeduplicationId: deduplicationId } : {}),
        }),
      );
    await send();
    await send();
    await send('explicit-1');
    expect(await drain(world.queueUrl)).toEqual(['same body', 'same body']);
  });

  it('keeps order within a group and blocks the group while a message is in flight', async () => {
    await drain(world.queueUrl);
    for (const [index, body] of ['s1', 's2', 's3'].entries()) {
      await sdk.sqs.send(
        new SendMessageCommand({
          QueueUrl: world.queueUrl,
          MessageBody: body,
          MessageGroupId: 'service:actors',
          MessageDeduplicationId: `d-${body}-${index}`,
        }),
      );
    }
    const first = await sdk.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: world.queueUrl, MaxNumberOfMessages: 1 }),
    );
    expect(first.Messages?.[0]?.Body).toBe('s1');
    const blocked = await sdk.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: world.queueUrl, MaxNumberOfMessages: 10 }),
    );
    expect(blocked.Messages ?? []).toEqual([]);
    await sdk.sqs.send(
      new DeleteMessageCommand({
        QueueUrl: world.queueUrl,
        ReceiptHandle: first.Messages?.[0]?.ReceiptHandle,
      }),
    );
    expect(await drain(world.queueUrl)).toEqual(['s2', 's3']);
  });

  it('redelivers after the visibility timeout and moves the message to the DLQ after maxReceiveCount', async () => {
    await drain(world.queueUrl);
    await sdk.sqs.send(
      new SendMessageCommand({
        QueueUrl: world.queueUrl,
        MessageBody: 'poison',
        MessageGroupId: 'intake',
        MessageDeduplicationId: 'poison-1',
      }),
    );
    let receives = 0;
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const answer = await sdk.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: world.queueUrl, WaitTimeSeconds: 2 }),
      );
      expect(answer.Messages?.[0]?.Body).toBe('poison');
      receives += 1;
      // Make it visible again at once instead of waiting for the 1 s timeout on the second round.
      if (attempt === 1) {
        await sdk.sqs.send(
          new ChangeMessageVisibilityCommand({
            QueueUrl: world.queueUrl,
            ReceiptHandle: answer.Messages?.[0]?.ReceiptHandle,
            VisibilityTimeout: 0,
          }),
        );
      }
    }
    expect(receives).toBe(2);
    const afterRedrive = await sdk.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: world.queueUrl, WaitTimeSeconds: 1 }),
    );
    expect(afterRedrive.Messages ?? []).toEqual([]);
    const dead = await sdk.sqs.send(new ReceiveMessageCommand({ QueueUrl: world.dlqUrl }));
    expect(dead.Messages?.[0]?.Body).toBe('poison');
  });
});
