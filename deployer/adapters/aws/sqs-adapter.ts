// QueuePort over an SQS FIFO queue. Bodies are JSON QueueMessage; the group id serialises work per
// service (`service:<name>`) or for intake (`intake`). ECR pushes arrive as raw EventBridge
// "ECR Image Action" events (the rule targets the queue directly) and are received as `image-push`.
//
// Poison messages (bodies that fail to decode) never reach the consumer: `receive()` returns only
// valid messages. A poison message is moved to the dead-letter queue right away when `deadLetterQueueUrl`
// is set (sent there with the same group id, then deleted here), so it does not block its FIFO group;
// without a DLQ URL it is made visible again at once so the queue's redrive policy (maxReceiveCount)
// moves it. Either way `onPoison` is told, for logs and metrics.
//
// sendBatch(): see sqs-send-batch.ts.
//
// Setting one message aside (deleting an ignored event, dead-lettering or releasing a poison body) never
// costs the valid messages received in the same batch: a failed hand-off is reported through
// `onHandOffFailed` and leaves that one message in flight (SQS makes it visible again after the
// visibility timeout, and the next receive tries again), while `receive()` still returns the rest.
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { DeployerError } from '../../domain/errors.ts';
import { decodeQueueBody } from '../../domain/events/queue-body.ts';
import { deduplicationId, encodeMessage, messageGroupId } from '../../domain/events/queue-message.ts';
import type { QueueMessage } from '../../domain/types.ts';
import type { QueuePort, ReceivedMessage } from '../../ports.ts';
import { callAws, mapAwsError } from './map-aws-error.ts';
import { sendMessageBatch } from './sqs-send-batch.ts';

export interface PoisonMessage {
  messageId: string;
  groupId: string;
  receiveCount: number;
  /** The undecodable body, truncated to 1 KiB for logs. */
  body: string;
  error: DeployerError;
  /** `dead-lettered`: moved to the DLQ now; `released`: left for the redrive policy. */
  outcome: 'dead-lettered' | 'released';
}

/** A message that could not be set aside; it stays in flight and comes back after the visibility timeout. */
export interface HandOffFailure {
  messageId: string;
  groupId: string;
  /** What was being done with it. */
  action: 'delete-ignored' | 'dead-letter' | 'release';
  error: DeployerError;
}

/** A well-formed EventBridge event that is not a successful push (a DELETE, a FAILED push, ...). */
export interface IgnoredMessage {
  messageId: string;
  groupId: string;
  reason: string;
}

export interface SqsQueueOptions {
  client: SQSClient;
  queueUrl: string;
  deadLetterQueueUrl?: string;
  onPoison?: (poison: PoisonMessage) => void;
  /** Told of events deleted because they are recognised and mean nothing to do. */
  onIgnored?: (ignored: IgnoredMessage) => void;
  /** Told when deleting an ignored event or setting a poison body aside failed (that message only). */
  onHandOffFailed?: (failure: HandOffFailure) => void;
}

const MAX_BATCH = 10;
const MAX_WAIT_SECONDS = 20;

export class SqsQueue implements QueuePort {
  readonly #client: SQSClient;
  readonly #queueUrl: string;
  readonly #deadLetterQueueUrl: string | undefined;
  readonly #onPoison: ((poison: PoisonMessage) => void) | undefined;
  readonly #onIgnored: ((ignored: IgnoredMessage) => void) | undefined;
  readonly #onHandOffFailed: ((failure: HandOffFailure) => void) | undefined;

  constructor(options: SqsQueueOptions) {
    this.#client = options.client;
    this.#queueUrl = options.queueUrl;
    this.#deadLetterQueueUrl = options.deadLetterQueueUrl;
    this.#onPoison = options.onPoison;
    this.#onIgnored = options.onIgnored;
    this.#onHandOffFailed = options.onHandOffFailed;
  }

  async send(message: QueueMessage, signal: AbortSignal): Promise<void> {
    const command = new SendMessageCommand({
      QueueUrl: this.#queueUrl,
      MessageBody: encodeMessage(message),
      MessageGroupId: messageGroupId(message),
      MessageDeduplicationId: deduplicationId(message),
    });
    await callAws('sqs:SendMessage', signal, () => this.#client.send(command, { abortSignal: signal }));
  }

  async sendBatch(messages: readonly QueueMessage[], signal: AbortSignal): Promise<void> {
    for (let start = 0; start < messages.length; start += MAX_BATCH)
      await sendMessageBatch(this.#client, this.#queueUrl, messages.slice(start, start + MAX_BATCH), signal);
  }

  async receive(maxMessages: number, waitSeconds: number, signal: AbortSignal): Promise<ReceivedMessage[]> {
    const output = await callAws('sqs:ReceiveMessage', signal, () =>
      this.#client.send(
        new ReceiveMessageCommand({
          QueueUrl: this.#queueUrl,
          MaxNumberOfMessages: clamp(Math.trunc(maxMessages), 1, MAX_BATCH),
          WaitTimeSeconds: clamp(Math.trunc(waitSeconds), 0, MAX_WAIT_SECONDS),
          MessageSystemAttributeNames: ['ApproximateReceiveCount', 'MessageGroupId'],
        }),
        { abortSignal: signal },
      ),
    );
    const received: ReceivedMessage[] = [];
    for (const raw of output.Messages ?? []) {
      if (!raw.ReceiptHandle || !raw.MessageId) continue;
      const decoded = decodeQueueBody(raw.Body ?? '');
      const meta = {
        receiptHandle: raw.ReceiptHandle,
        messageId: raw.MessageId,
        groupId: raw.Attributes?.MessageGroupId ?? '',
        receiveCount: Number(raw.Attributes?.ApproximateReceiveCount ?? '1') || 1,
      };
      if (decoded.kind === 'message') received.push({ body: decoded.message, ...meta });
      else if (decoded.kind === 'ignored') {
        // Not poison: the event is understood and asks for nothing, so it must not fill the DLQ.
        const deleted = await this.#handOff(meta, 'delete-ignored', () =>
          this.delete(meta.receiptHandle, signal),
        );
        if (deleted)
          this.#onIgnored?.({ messageId: meta.messageId, groupId: meta.groupId, reason: decoded.reason });
      } else await this.#handlePoison(raw, meta, decoded.error, signal);
    }
    return received;
  }

  async delete(receiptHandle: string, signal: AbortSignal): Promise<void> {
    await callAws('sqs:DeleteMessage', signal, () =>
      this.#client.send(
        new DeleteMessageCommand({ QueueUrl: this.#queueUrl, ReceiptHandle: receiptHandle }),
        { abortSignal: signal },
      ),
    );
  }

  async changeVisibility(
    receiptHandle: string,
    visibilityTimeoutSeconds: number,
    signal: AbortSignal,
  ): Promise<void> {
    await callAws('sqs:ChangeMessageVisibility', signal, () =>
      this.#client.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: this.#queueUrl,
          ReceiptHandle: receiptHandle,
          VisibilityTimeout: clamp(Math.trunc(visibilityTimeoutSeconds), 0, 43_200),
        }),
        { abortSignal: signal },
      ),
    );
  }

  async stats(signal: AbortSignal): Promise<{ visible: number; inFlight: number }> {
    const output = await callAws('sqs:GetQueueAttributes', signal, () =>
      this.#client.send(
        new GetQueueAttributesCommand({
          QueueUrl: this.#queueUrl,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
        { abortSignal: signal },
      ),
    );
    return {
      visible: Number(output.Attributes?.ApproximateNumberOfMessages ?? 0),
      inFlight: Number(output.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0),
    };
  }

  async #handlePoison(
    raw: Message,
    meta: Omit<ReceivedMessage, 'body'>,
    error: DeployerError,
    signal: AbortSignal,
  ): Promise<void> {
    const body = raw.Body ?? '';
    const deadLetterQueueUrl = this.#deadLetterQueueUrl;
    const outcome: PoisonMessage['outcome'] = deadLetterQueueUrl ? 'dead-lettered' : 'released';
    const setAside = deadLetterQueueUrl
      ? this.#handOff(meta, 'dead-letter', async () => {
          await callAws('sqs:SendMessage(dlq)', signal, () =>
            this.#client.send(
              new SendMessageCommand({
                QueueUrl: deadLetterQueueUrl,
                MessageBody: body === '' ? '(empty)' : body,
                MessageGroupId: meta.groupId || 'poison',
                // A retry after a failed delete below sends the same id: the DLQ keeps one copy.
                MessageDeduplicationId: meta.messageId,
              }),
              { abortSignal: signal },
            ),
          );
          await this.delete(meta.receiptHandle, signal);
        })
      : this.#handOff(meta, 'release', () => this.changeVisibility(meta.receiptHandle, 0, signal));
    if (!(await setAside)) return;
    this.#onPoison?.({
      messageId: meta.messageId,
      groupId: meta.groupId,
      receiveCount: meta.receiveCount,
      body: body.slice(0, 1024),
      error,
      outcome,
    });
  }

  /** Runs one message's hand-off; a failure is reported and contained to that message. */
  async #handOff(
    meta: Omit<ReceivedMessage, 'body'>,
    action: HandOffFailure['action'],
    work: () => Promise<void>,
  ): Promise<boolean> {
    try {
      await work();
      return true;
    } catch (error) {
      this.#onHandOffFailed?.({
        messageId: meta.messageId,
        groupId: meta.groupId,
        action,
        error: mapAwsError(error, `sqs:${action}`),
      });
      return false;
    }
  }
}

function clamp(value: number, min: number, max: number): number {
  return Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : min;
}
