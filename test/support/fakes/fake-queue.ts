// In-memory QueuePort with the SQS FIFO semantics the deployer relies on, in real (monotonic) time:
// - a message group yields its messages in order, and none while one of them is in flight
//   (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/using-messagegroupid-property.html);
// - a deduplication id seen in the last 5 minutes drops the send
//   (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/FIFO-queues-exactly-once-processing.html);
// - a received message stays invisible for the visibility timeout; ChangeMessageVisibility on a message
//   that is not in flight fails with MessageNotInflight, and 0 makes it visible at once
//   (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ChangeMessageVisibility.html);
// - a delete with a stale receipt handle succeeds and deletes nothing;
// - a message received more than `maxReceives` times moves to the dead-letter queue (redrive policy);
// - ReceiveMessage takes 1..10 messages and long-polls up to 20 s, waking when a message arrives
//   (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html).
// Like a network transport, every answer arrives in a later macrotask, never in the caller's microtask
// chain. `idle()` resolves when the queue has drained: the way to assert "nothing else happened".
import { deduplicationId, messageGroupId } from '../../../deployer/domain/events/queue-message.ts';
import type { QueueMessage } from '../../../deployer/domain/types.ts';
import type { QueuePort, ReceivedMessage } from '../../../deployer/ports.ts';
import { abortedCall, awsFailure } from './aws-errors.ts';
import { CallCounter } from './call-counter.ts';

const DEDUP_WINDOW_MS = 5 * 60_000;
const MAX_VISIBILITY_SECONDS = 12 * 60 * 60;

interface StoredMessage {
  id: string;
  body: QueueMessage;
  groupId: string;
  visibleAt: number;
  inFlight: boolean;
  receiveCount: number;
  receipt: string;
}

export interface FakeQueueOptions {
  counter?: CallCounter;
  visibilityTimeoutSeconds?: number;
  /** Redrive policy maxReceiveCount (default 5, as the intake queue in infra/). */
  maxReceives?: number;
  /** `macrotask` (default) like a network transport; `microtask` for the tightest interleavings. */
  answerIn?: 'macrotask' | 'microtask';
}

export class FakeQueue implements QueuePort {
  /** Messages on the queue (visible or in flight), oldest first. */
  readonly messages: StoredMessage[] = [];
  /** Messages moved to the dead-letter queue. */
  readonly dead: StoredMessage[] = [];
  /** Every accepted send, after deduplication. */
  readonly sent: QueueMessage[] = [];
  readonly deleted: QueueMessage[] = [];
  readonly visibilityChanges: { id: string; seconds: number }[] = [];
  readonly counter: CallCounter;
  duplicatesDropped = 0;
  maxReceives: number;
  visibilitySeconds: number;
  /** The next this-many receives fail like an unreachable SQS. */
  receiveFailures = 0;
  /** The next this-many sendBatch calls fail like an unreachable SQS (nothing sent). */
  sendBatchFailures = 0;
  readonly #dedup = new Map<string, number>();
  readonly #waiters = new Set<() => void>();
  readonly #answer: () => Promise<void>;
  #messageSeq = 0;
  #receiptSeq = 0;
  #lastActivity = performance.now();

  constructor(options: FakeQueueOptions = {}) {
    this.counter = options.counter ?? new CallCounter();
    this.visibilitySeconds = options.visibilityTimeoutSeconds ?? 30;
    this.maxReceives = options.maxReceives ?? 5;
    this.#answer =
      options.answerIn === 'microtask'
        ? () => Promise.resolve()
        : () => new Promise((resolve) => setImmediate(resolve));
  }

  async send(message: QueueMessage, _signal?: AbortSignal): Promise<void> {
    this.counter.record('sqs:SendMessage');
    this.#accept(message);
    await this.#answer();
  }

  /** SendMessageBatch: one call per 10 messages, each deduplicated on its own. */
  async sendBatch(messages: readonly QueueMessage[], _signal?: AbortSignal): Promise<void> {
    if (this.sendBatchFailures > 0 && messages.length > 0) {
      this.sendBatchFailures -= 1;
      await this.#answer();
      throw awsFailure('sqs:SendMessageBatch', 'ServiceUnavailable', 'Service is unavailable', 503);
    }
    for (let start = 0; start < messages.length; start += 10) {
      this.counter.record('sqs:SendMessageBatch');
      for (const message of messages.slice(start, start + 10)) this.#accept(message);
    }
    await this.#answer();
  }

  /**
   * Sends without counting (the producer side). EventBridge's SQS target deduplicates by event id,
   * not by content, so a storm of pushes passes its own `dedupId`.
   */
  inject(message: QueueMessage, dedupId?: string): boolean {
    return this.#accept(message, dedupId);
  }

  async receive(maxMessages: number, waitSeconds: number, signal: AbortSignal): Promise<ReceivedMessage[]> {
    this.counter.record('sqs:ReceiveMessage');
    if (!Number.isInteger(maxMessages) || maxMessages < 1 || maxMessages > 10)
      throw this.#invalid('sqs:ReceiveMessage', `MaxNumberOfMessages ${maxMessages} is not between 1 and 10`);
    if (waitSeconds < 0 || waitSeconds > 20)
      throw this.#invalid('sqs:ReceiveMessage', `WaitTimeSeconds ${waitSeconds} is not between 0 and 20`);
    if (this.receiveFailures > 0) {
      this.receiveFailures -= 1;
      await this.#answer();
      throw awsFailure('sqs:ReceiveMessage', 'ServiceUnavailable', 'Service is unavailable', 503);
    }
    const deadline = performance.now() + waitSeconds * 1000;
    for (;;) {
      if (signal.aborted) throw abortedCall('sqs:ReceiveMessage', signal);
      const batch = this.#take(maxMessages);
      if (batch.length > 0 || performance.now() >= deadline) {
        await this.#answer();
        return batch;
      }
      await this.#waitForActivity(Math.max(1, deadline - performance.now()), signal);
    }
  }

  async delete(receiptHandle: string, _signal?: AbortSignal): Promise<void> {
    this.counter.record('sqs:DeleteMessage');
    const index = this.messages.findIndex((message) => message.receipt === receiptHandle);
    if (index >= 0) {
      const [message] = this.messages.splice(index, 1);
      if (message) this.deleted.push(message.body);
      this.#touch();
    }
    await this.#answer();
  }

  async changeVisibility(receiptHandle: string, seconds: number, _signal?: AbortSignal): Promise<void> {
    this.counter.record('sqs:ChangeMessageVisibility');
    this.#expireVisibility();
    if (seconds < 0 || seconds > MAX_VISIBILITY_SECONDS)
      throw this.#invalid(
        'sqs:ChangeMessageVisibility',
        `VisibilityTimeout ${seconds} is not between 0 and 43200`,
      );
    const message = this.messages.find((candidate) => candidate.receipt === receiptHandle);
    if (!message?.inFlight) {
      await this.#answer();
      throw awsFailure('sqs:ChangeMessageVisibility', 'MessageNotInflight', 'The message is not in flight.');
    }
    this.visibilityChanges.push({ id: message.id, seconds });
    message.visibleAt = performance.now() + seconds * 1000;
    if (seconds === 0) message.inFlight = false;
    this.#touch();
    await this.#answer();
  }

  async stats(_signal?: AbortSignal): Promise<{ visible: number; inFlight: number }> {
    this.counter.record('sqs:GetQueueAttributes');
    await this.#answer();
    return this.snapshot();
  }

  snapshot(): { visible: number; inFlight: number } {
    this.#expireVisibility();
    const inFlight = this.messages.filter((message) => message.inFlight).length;
    return { visible: this.messages.length - inFlight, inFlight };
  }

  /** The messages still on the queue, oldest first (for diagnostics when a run stalls). */
  inspect(): { id: string; groupId: string; kind: string; inFlight: boolean; receiveCount: number }[] {
    this.#expireVisibility();
    return this.messages.map((message) => ({
      id: message.id,
      groupId: message.groupId,
      kind: message.body.kind,
      inFlight: message.inFlight,
      receiveCount: message.receiveCount,
    }));
  }

  /** Resolves once the queue is empty and nothing happened on it for `settleMs`. */
  async idle(settleMs = 200, timeoutMs = 600_000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const { visible, inFlight } = this.snapshot();
      const quietFor = performance.now() - this.#lastActivity;
      if (visible === 0 && inFlight === 0 && quietFor >= settleMs) return;
      if (performance.now() > deadline)
        throw new Error(
          `fake SQS: not idle after ${timeoutMs} ms (visible ${visible}, in flight ${inFlight})`,
        );
      await new Promise((resolve) => setTimeout(resolve, Math.min(50, settleMs)));
    }
  }

  #accept(message: QueueMessage, explicitDedupId?: string): boolean {
    const now = performance.now();
    const dedupId = explicitDedupId ?? deduplicationId(message);
    const seenAt = this.#dedup.get(dedupId);
    if (seenAt !== undefined && now - seenAt < DEDUP_WINDOW_MS) {
      this.duplicatesDropped += 1;
      return false;
    }
    this.#dedup.set(dedupId, now);
    this.#messageSeq += 1;
    this.messages.push({
      id: `m${this.#messageSeq}`,
      body: structuredClone(message),
      groupId: messageGroupId(message),
      visibleAt: now,
      inFlight: false,
      receiveCount: 0,
      receipt: '',
    });
    this.sent.push(structuredClone(message));
    this.#touch();
    return true;
  }

  #expireVisibility(): void {
    const now = performance.now();
    for (const message of this.messages)
      if (message.inFlight && message.visibleAt <= now) message.inFlight = false;
  }

  /** Per group, consecutive visible messages from its head, unless the group has one in flight. */
  #take(max: number): ReceivedMessage[] {
    this.#expireVisibility();
    const now = performance.now();
    const blocked = new Set(this.messages.filter((m) => m.inFlight).map((m) => m.groupId));
    const batch: ReceivedMessage[] = [];
    for (const message of [...this.messages]) {
      if (batch.length >= max) break;
      if (blocked.has(message.groupId)) continue;
      if (message.visibleAt > now) {
        blocked.add(message.groupId); // later messages of a group wait for its head
        continue;
      }
      if (message.receiveCount >= this.maxReceives) {
        this.messages.splice(this.messages.indexOf(message), 1);
        this.dead.push(message);
        continue;
      }
      message.inFlight = true;
      message.visibleAt = now + this.visibilitySeconds * 1000;
      message.receiveCount += 1;
      this.#receiptSeq += 1;
      message.receipt = `${message.id}#${this.#receiptSeq}`;
      batch.push({
        body: structuredClone(message.body),
        receiptHandle: message.receipt,
        messageId: message.id,
        groupId: message.groupId,
        receiveCount: message.receiveCount,
      });
    }
    if (batch.length > 0) this.#touch();
    return batch;
  }

  #invalid(operation: string, message: string) {
    return awsFailure(operation, 'InvalidParameterValue', message);
  }

  #touch(): void {
    this.#lastActivity = performance.now();
    for (const wake of this.#waiters) wake();
    this.#waiters.clear();
  }

  #waitForActivity(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.#waiters.delete(done);
        resolve();
      };
      // Wake at least every 100 ms: a visibility timeout may have run out meanwhile.
      const timer = setTimeout(done, Math.min(ms, 100));
      signal.addEventListener('abort', done, { once: true });
      this.#waiters.add(done);
    });
  }
}
