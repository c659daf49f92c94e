// Queues for SQS adapter tests against a real SQS server (fauxqs, moto): a FIFO queue with its own
// dead-letter queue, the way infra/lib/intake-queue.ts pairs them.
// RedrivePolicy: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';

/** `<name>.fifo` and `<name>-dlq.fifo`; a message goes to the DLQ after `maxReceiveCount` receives. */
export async function createFifoWithDlq(
  client: SQSClient,
  name: string,
  maxReceiveCount = 5,
): Promise<{ url: string; dlqUrl: string }> {
  const dlq = await client.send(
    new CreateQueueCommand({ QueueName: `${name}-dlq.fifo`, Attributes: { FifoQueue: 'true' } }),
  );
  const dlqArn = (
    await client.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }))
  ).Attributes?.QueueArn;
  const queue = await client.send(
    new CreateQueueCommand({
      QueueName: `${name}.fifo`,
      Attributes: {
        FifoQueue: 'true',
        VisibilityTimeout: '30',
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount }),
      },
    }),
  );
  if (!queue.QueueUrl || !dlq.QueueUrl) throw new Error(`SQS created ${name} without a queue URL`);
  return { url: queue.QueueUrl, dlqUrl: dlq.QueueUrl };
}

/**
 * An EventBridge "ECR Image Action" event that asks the deployer for nothing (an image deleted): the
 * queue adapter deletes it instead of dead-lettering it. Shape:
 * https://docs.aws.amazon.com/AmazonECR/latest/userguide/ecr-eventbridge.html
 */
export function ecrDeleteEvent(id = 'delete-event'): string {
  return JSON.stringify({
    version: '0',
    id,
    'detail-type': 'ECR Image Action',
    source: 'aws.ecr',
    account: '123456789012',
    time: '2026-11-25T10:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail: {
      'action-type': 'DELETE',
      result: 'SUCCESS',
      'repository-name': 'actors',
      'image-digest': `sha256:${'a'.repeat(64)}`,
      'image-tag': '1.0.0',
    },
  });
}
