// The queue: fauxqs (a real SQS emulator) in-process on 127.0.0.1, with the FIFO work queue and its
// dead-letter queue built from the synthesized template's settings (infra/generated/intake.json, written
// by `npm run synth`), so the local queue is the AWS queue: same names, FIFO, content-based
// deduplication, retention and redrive. Only the timing (visibility timeout, receives before the DLQ)
// may be shortened by tests.
//
// fauxqs refuses a FIFO SendMessage without a MessageDeduplicationId unless the queue has
// ContentBasedDeduplication on, as SQS does ("The queue should either have ContentBasedDeduplication
// enabled or MessageDeduplicationId provided explicitly";
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html), both over
// the wire and through its in-process sendMessage; test/integration/local/fifo-dedup-rules.test.ts
// checks the same against moto.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type FauxqsServer, startFauxqs } from 'fauxqs';
import type { IntakeTemplate } from '../infra/lib/intake-template.ts';

const INTAKE_TEMPLATE_PATH = resolve(import.meta.dirname, '../infra/generated/intake.json');

/** The intake settings of the synthesized template (see infra/lib/intake-template.ts). */
export function readIntakeTemplate(): IntakeTemplate {
  return JSON.parse(readFileSync(INTAKE_TEMPLATE_PATH, 'utf8')) as IntakeTemplate;
}

export interface LocalQueue {
  server: FauxqsServer;
  endpoint: string;
  queueName: string;
  queueUrl: string;
  dlqUrl: string;
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
  // CloudFormation's default is off; fauxqs defaults it too, but say it so the intent is visible.
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
  const server = await startFauxqs({
    port: options.port,
    host: '127.0.0.1',
    logger: false,
    defaultRegion: 'us-east-1',
  });
  try {
    const dlq = server.createQueue(queueName(template.deadLetterQueue, 'dead-letter queue'), {
      attributes: queueAttributes(template.deadLetterQueue),
    });
    const redrive = template.queue.RedrivePolicy as { maxReceiveCount?: number } | undefined;
    const attributes = queueAttributes(template.queue);
    if (options.visibilityTimeoutSeconds !== undefined)
      attributes.VisibilityTimeout = String(options.visibilityTimeoutSeconds);
    const name = queueName(template.queue, 'intake queue');
    const queue = server.createQueue(name, {
      attributes: {
        ...attributes,
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: dlq.queueArn,
          maxReceiveCount: String(options.maxReceiveCount ?? redrive?.maxReceiveCount ?? 5),
        }),
      },
    });
    return {
      server,
      endpoint: server.address,
      queueName: name,
      queueUrl: queue.queueUrl,
      dlqUrl: dlq.queueUrl,
      stop: () => server.stop(),
    };
  } catch (error) {
    await server.stop();
    throw error;
  }
}
