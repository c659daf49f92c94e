// SendMessageBatch: up to 10 messages a call, each with its own group and deduplication id. "Because the
// batch request can result in a combination of successful and unsuccessful actions, you should check
// for batch errors even when the call returns an HTTP status code of 200"
// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessageBatch.html).
// Entries that failed on SQS's side are sent again (same deduplication ids, so one that did land is not
// doubled); a SenderFault entry is our own error and fails at once with SQS's reason.
import { setTimeout as sleep } from 'node:timers/promises';
import {
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { DeployerError } from '../../domain/errors.ts';
import { deduplicationId, encodeMessage, messageGroupId } from '../../domain/events/queue-message.ts';
import type { QueueMessage } from '../../domain/types.ts';
import { callAws } from './map-aws-error.ts';

/** SendMessageBatch attempts for entries SQS failed on its side (not SenderFault). */
const BATCH_ATTEMPTS = 4;
const BATCH_RETRY_BASE_MS = 100;

/** Sends up to 10 messages in one SendMessageBatch, again for the entries SQS failed on its side. */
export async function sendMessageBatch(
  client: SQSClient,
  queueUrl: string,
  chunk: readonly QueueMessage[],
  signal: AbortSignal,
): Promise<void> {
  // Ids only need to be unique within one request.
  let pending: SendMessageBatchRequestEntry[] = chunk.map((message, index) => ({
    Id: String(index),
    MessageBody: encodeMessage(message),
    MessageGroupId: messageGroupId(message),
    MessageDeduplicationId: deduplicationId(message),
  }));
  for (let attempt = 1; ; attempt++) {
    const entries = pending;
    const output = await callAws('sqs:SendMessageBatch', signal, () =>
      client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }), {
        abortSignal: signal,
      }),
    );
    const failed = output.Failed ?? [];
    if (failed.length === 0) return;
    const describe = failed.map((f) =>
      `${entries.find((e) => e.Id === f.Id)?.MessageGroupId}: ${f.Code} ${f.Message ?? ''}`.trim(),
    );
    const ours = failed.find((f) => f.SenderFault);
    if (ours || attempt >= BATCH_ATTEMPTS) {
      throw new DeployerError(
        ours ? 'AWS_REQUEST_REJECTED' : 'AWS_UNAVAILABLE',
        `sqs:SendMessageBatch: ${failed.length} of ${entries.length} messages not sent${ours ? '' : ` after ${attempt} attempts`}: ${describe.slice(0, 3).join('; ')}`,
        { details: { operation: 'sqs:SendMessageBatch', failed: describe } },
      );
    }
    const again = new Set(failed.map((f) => f.Id));
    pending = entries.filter((e) => again.has(e.Id));
    await sleep(BATCH_RETRY_BASE_MS * 2 ** (attempt - 1), undefined, { signal });
  }
}
