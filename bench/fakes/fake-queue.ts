// In-memory SQS FIFO QueuePort with the semantics the deployer relies on: message groups (a group
// is not delivered while one of its messages is in flight), deduplication ids over a 5-minute
// window, visibility timeouts, changeVisibility, long polling that wakes on send, and receive
// counts. `idle()` resolves when nothing is visible or in flight and nothing moved for `settleMs`.
// Like any network transport, every answer arrives in a later macrotask (setImmediate), never in
// the caller's microtask chain, so the consumer sees the interleavings a real queue produces.
import { deduplicationId, messageGroupId } from '../../deployer/domain/events/queue-message.ts';
import type { QueueMessage } from '../../deployer/domain/types.ts';
import type { QueuePort, ReceivedMessage } from '../../deployer/ports.ts';
import type { CallCounter } from './call-counter.ts';

const DEDUP_WINDOW_MS = 5 * 60_000;

/** The answer of a remote call arrives in a later macrotask. */
function macrotask(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

interface Entry {
  id: string;
  body: QueueMessage;
  groupId: string;
  visibleAt: number;
  inFlight: boolean;
  receiveCount: number;
  receipt: string;
  sentAt: number;
}

export interface FakeQueueOptions {
  counter: CallCounter;
  visibilityTimeoutSeconds?: number;
  /** `macrotask` (default) like a network transport; `microtask` for the tightest interleavings. */
  answerIn?: 'macrotask' | 'microtask';
}

export class FakeQueue implements QueuePort {
  /** Every accepted send (after dedup), with its send time (performance.now()). */
  readonly sent: { body: QueueMessage; at: number }[] = [];
  duplicatesDropped = 0;
  deleted = 0;
  readonly #entries: Entry[] = [];
  readonly #dedup = new Map<string, number>();
  readonly #waiters = new Set<() => void>();
  readonly #counter: CallCounter;
  readonly #visibilityMs: number;
  readonly #answer: () => Promise<void>;
  #seq = 0;
  #lastActivity = performance.now();

  constructor(options: FakeQueueOptions) {
    this.#counter = options.counter;
    this.#visibilityMs = (options.visibilityTimeoutSeconds ?? 30) * 1000;
    this.#answer = options.answerIn === 'microtask' ? () => Promise.resolve() : macrotask;
  }

  async send(message: QueueMessage, _signal: AbortSignal): Promise<void> {
    this.#counter.record('sqs:SendMessage');
    this.#accept(message);
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
    this.#counter.record('sqs:ReceiveMessage');
    const deadline = performance.now() + waitSeconds * 1000;
    for (;;) {
      signal.throwIfAborted();
      const batch = this.#take(maxMessages);
      if (batch.length > 0 || performance.now() >= deadline) {
        await this.#answer();
        return batch;
      }
      await this.#waitForActivity(Math.max(1, deadline - performance.now()), signal);
    }
  }

  async delete(receiptHandle: string, _signal: AbortSignal): Promise<void> {
    this.#counter.record('sqs:DeleteMessage');
    const index = this.#entries.findIndex((entry) => entry.receipt === receiptHandle);
    if (index >= 0) {
      this.#entries.splice(index, 1);
      this.deleted += 1;
      this.#touch();
    }
    // (SQS ignores deletes of already-deleted messages.)
    await this.#answer();
  }

  async changeVisibility(receiptHandle: string, seconds: number, _signal: AbortSignal): Promise<void> {
    this.#counter.record('sqs:ChangeMessageVisibility');
    const entry = this.#entries.find((candidate) => candidate.receipt === receiptHandle);
    if (!entry) throw new Error(`fake SQS: receipt handle ${receiptHandle} is not in flight`);
    entry.visibleAt = performance.now() + seconds * 1000;
    if (seconds === 0) entry.inFlight = false;
    this.#touch();
    await this.#answer();
  }

  async stats(_signal: AbortSignal): Promise<{ visible: number; inFlight: number }> {
    this.#counter.record('sqs:GetQueueAttributes');
    await this.#answer();
    return this.snapshot();
  }

  snapshot(): { visible: number; inFlight: number } {
    this.#expireVisibility();
    const inFlight = this.#entries.filter((entry) => entry.inFlight).length;
    return { visible: this.#entries.length - inFlight, inFlight };
  }

  /** The messages still on the queue, oldest first (for diagnostics when a run stalls). */
  inspect(): { id: string; groupId: string; kind: string; inFlight: boolean; receiveCount: number }[] {
    this.#expireVisibility();
    return this.#entries.map((entry) => ({
      id: entry.id,
      groupId: entry.groupId,
      kind: entry.body.kind,
      inFlight: entry.inFlight,
      receiveCount: entry.receiveCount,
    }));
  }

  /** Resolves once the queue is empty and nothing happened for `settleMs`. */
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
    this.#seq += 1;
    this.#entries.push({
      id: `m-${this.#seq}`,
      body: structuredClone(message),
      groupId: messageGroupId(message),
      visibleAt: now,
      inFlight: false,
      receiveCount: 0,
      receipt: '',
      sentAt: now,
    });
    this.sent.push({ body: message, at: now });
    this.#touch();
    return true;
  }

  #expireVisibility(): void {
    const now = performance.now();
    for (const entry of this.#entries) if (entry.inFlight && entry.visibleAt <= now) entry.inFlight = false;
  }

  /** FIFO: per group, consecutive visible messages from the head, unless the group has one in flight. */
  #take(max: number): ReceivedMessage[] {
    this.#expireVisibility();
    const now = performance.now();
    const blocked = new Set(this.#entries.filter((entry) => entry.inFlight).map((entry) => entry.groupId));
    const batch: ReceivedMessage[] = [];
    for (const entry of this.#entries) {
      if (batch.length >= max) break;
      if (blocked.has(entry.groupId)) continue;
      if (entry.visibleAt > now) {
        blocked.add(entry.groupId); // later messages of a group wait for its head
        continue;
      }
      entry.inFlight = true;
      entry.visibleAt = now + this.#visibilityMs;
      entry.receiveCount += 1;
      this.#seq += 1;
      entry.receipt = `${entry.id}#${this.#seq}`;
      batch.push({
        body: structuredClone(entry.body),
        receiptHandle: entry.receipt,
        messageId: entry.id,
        groupId: entry.groupId,
        receiveCount: entry.receiveCount,
      });
    }
    // A group whose messages were handed out in this batch is now in flight for later receives.
    if (batch.length > 0) this.#touch();
    return batch;
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
      const timer = setTimeout(done, Math.min(ms, 100));
      signal.addEventListener('abort', done, { once: true });
      this.#waiters.add(done);
    });
  }
}
