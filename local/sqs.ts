// The queue: fauxqs (a real SQS emulator) in-process, listening on 127.0.0.1 only, with the FIFO work
// queue and its dead-letter queue built from the synthesized template's settings
// (infra/generated/intake.json, written by `npm run synth`), so the local queue is the AWS queue: same
// names, FIFO, content-based deduplication, retention and redrive. Only the timing (visibility
// timeout, receives before the DLQ) may be shortened by tests.
//
// fauxqs's startFauxqs() always listens on 0.0.0.0 (every interface), so this builds its app and
// listens itself; queues are created and events sent through the SQS AWS JSON protocol, as a client
// would (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-making-api-requests-json.html:
// POST /, `X-Amz-Target: AmazonSQS.<Operation>`, `Content-Type: application/x-amz-json-1.0`).
//
// fauxqs refuses a FIFO SendMessage without a MessageDeduplicationId unless the queue has
// ContentBasedDeduplication on, as SQS does ("The queue should either have ContentBasedDeduplication
// enabled or MessageDeduplicationId provided explicitly";
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html);
// test/integration/local/fifo-dedup-rules.test.ts checks the same on fauxqs and moto.
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { buildApp } from 'fauxqs';
import type { IntakeTemplate } from '../infra/lib/intake-template.ts';

const INTAKE_TEMPLATE_PATH = resolve(import.meta.dirname, '../infra/generated/intake.json');
const LOOPBACK = '127.0.0.1';

/** The intake settings of the synthesized template (see infra/lib/intake-template.ts). */
export function readIntakeTemplate(): IntakeTemplate {
  return JSON.parse(readFileSync(INTAKE_TEMPLATE_PATH, 'utf8')) as IntakeTemplate;
}

export interface LocalQueue {
  endpoint: string;
  /** The address the emulator listens on (always loopback). */
  address: AddressInfo;
  queueUrl: string;
  dlqUrl: string;
  /**
   * SendMessage to the work queue. Without a deduplication id (as EventBridge sends) the queue must
   * have content-based deduplication on, or this rejects as SQS does.
   */
  send(body: string, ids: { groupId?: string; deduplicationId?: string }): Promise<void>;
  stop(): Promise<void>;
}

export interface LocalQueueOptions {
  port: number;
  /** Overrides the template's maxReceiveCount (tests make poison reach the DLQ sooner). */
  maxReceiveCount?: number;
  /** Overrides the template's VisibilityTimeout. */
  visibilityTimeoutSeconds?: number;
}

/** CloudFormation AWS::SQS::Queue properties → SQS CreateQueue attributes (the ones with plain values). */
export function queueAttributes(properties: Record<string, unknown>): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const name of [
    'FifoQueue',
    'ContentBasedDeduplication',
    'VisibilityTimeout',
    'MessageRetentionPeriod',
    'DelaySeconds',
    'MaximumMessageSize',
    'ReceiveMessageWaitTimeSeconds',
  ]) {
    const value = properties[name];
    if (value !== undefined) attributes[name] = String(value);
  }
  // CloudFormation's default is off; say it so the local queue states the same.
  attributes.ContentBasedDeduplication ??= 'false';
  return attributes;
}

function queueName(properties: Record<string, unknown>, role: string): string {
  const name = properties.QueueName;
  if (typeof name !== 'string') throw new Error(`infra/generated/intake.json: the ${role} has no QueueName`);
  return name;
}

export async function startLocalQueue(options: LocalQueueOptions): Promise<LocalQueue> {
  const template = readIntakeTemplate();
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
          QueueName: queueName(template.deadLetterQueue, 'dead-letter queue'),
          Attributes: queueAttributes(template.deadLetterQueue),
        })
      ).QueueUrl,
    );
    const dlqArn = (await call('GetQueueAttributes', { QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }))
      .Attributes as { QueueArn: string };
    const redrive = template.queue.RedrivePolicy as { maxReceiveCount?: number } | undefined;
    const attributes = queueAttributes(template.queue);
    if (options.visibilityTimeoutSeconds !== undefined)
      attributes.VisibilityTimeout = String(options.visibilityTimeoutSeconds);
    const queueUrl = String(
      (
        await call('CreateQueue', {
          QueueName: queueName(template.queue, 'intake queue'),
          Attributes: {
            ...attributes,
            RedrivePolicy: JSON.stringify({
              deadLetterTargetArn: dlqArn.QueueArn,
              maxReceiveCount: String(options.maxReceiveCount ?? redrive?.maxReceiveCount ?? 5),
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
          ...(ids.groupId ? { MessageGroupId: ids.groupId } : {}),
          ...(ids.deduplicationId ? { MessageDeduplicationId: ids.deduplicationId } : {}),
        });
      },
      stop: () => app.close(),
    };
  } catch (error) {
    await app.close();
    throw error;
  }
}
