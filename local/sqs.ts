// The queue: fauxqs (a real SQS emulator) in-process, listening on 127.0.0.1 only, with the FIFO work
// queue and its dead-letter queue. Content-based dedup is off: the deployer sends explicit dedup ids.
// fauxqs's startFauxqs() always listens on 0.0.0.0 (every interface), so this builds its app and
// listens itself; queues are created and events sent through the SQS AWS JSON protocol, as a client
// would (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-making-api-requests-json.html:
// POST /, `X-Amz-Target: AmazonSQS.<Operation>`, `Content-Type: application/x-amz-json-1.0`).
import type { AddressInfo } from 'node:net';
import { buildApp } from 'fauxqs';

export const QUEUE_NAME = 'ecs-gitops.fifo';
export const DLQ_NAME = 'ecs-gitops-dlq.fifo';
const LOOPBACK = '127.0.0.1';

export interface LocalQueue {
  endpoint: string;
  /** The address the emulator listens on (always loopback). */
  address: AddressInfo;
  queueUrl: string;
  dlqUrl: string;
  /** SendMessage to the work queue, as an EventBridge FIFO target would. */
  send(body: string, ids: { groupId: string; deduplicationId: string }): Promise<void>;
  stop(): Promise<void>;
}

export interface LocalQueueOptions {
  port: number;
  maxReceiveCount: number;
  visibilityTimeoutSeconds: number;
}

export async function startLocalQueue(options: LocalQueueOptions): Promise<LocalQueue> {
  const app = buildApp({ logger: false, host: LOOPBACK, defaultRegion: 'us-east-1' });
  const endpoint = await app.listen({ port: options.port, host: LOOPBACK });
  const call = async (operation: string, input: unknown): Promise<Record<string, unknown>> => {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AmazonSQS.${operation}` },
      body: JSON.stringify(input),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`local SQS ${operation} answered ${response.status}: ${text}`);
    return JSON.parse(text) as Record<string, unknown>;
  };
  try {
    const dlqUrl = String(
      (
        await call('CreateQueue', {
          QueueName: DLQ_NAME,
          Attributes: {
            FifoQueue: 'true',
            ContentBasedDeduplication: 'false',
            MessageRetentionPeriod: '1209600',
          },
        })
      ).QueueUrl,
    );
    const dlqArn = (await call('GetQueueAttributes', { QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }))
      .Attributes as { QueueArn: string };
    const queueUrl = String(
      (
        await call('CreateQueue', {
          QueueName: QUEUE_NAME,
          Attributes: {
            FifoQueue: 'true',
            ContentBasedDeduplication: 'false',
            VisibilityTimeout: String(options.visibilityTimeoutSeconds),
            RedrivePolicy: JSON.stringify({
              deadLetterTargetArn: dlqArn.QueueArn,
              maxReceiveCount: String(options.maxReceiveCount),
            }),
          },
        })
      ).QueueUrl,
    );
    return {
      endpoint,
      address: app.server.address() as AddressInfo,
      queueUrl,
      dlqUrl,
      send: async (body, ids) => {
        await call('SendMessage', {
          QueueUrl: queueUrl,
          MessageBody: body,
          MessageGroupId: ids.groupId,
          MessageDeduplicationId: ids.deduplicationId,
        });
      },
      stop: () => app.close(),
    };
  } catch (error) {
    await app.close();
    throw error;
  }
}
