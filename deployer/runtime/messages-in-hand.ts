// The messages a queue consumer holds (received, not yet deleted or given back) and their visibility
// on SQS. While held, a heartbeat keeps each invisible; a crash stops the heartbeat and SQS delivers
// the message again after its visibility timeout, which is how an interrupted rollout resumes.
// SQS limits this relies on (ChangeMessageVisibility,
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ChangeMessageVisibility.html):
// a message's visibility can be extended up to 12 hours after it was received, not beyond; 0 makes it
// visible at once. A FIFO queue holds up to 120,000 messages in flight
// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-fifo.html), far
// above the rollouts one replica waits on. Checked against moto 5.2.1: a FIFO group's next message is
// not delivered while one is in flight, an extension works, 43201 s is refused (InvalidParameterValue),
// 0 makes the message receivable at once (moto does not count the 12 hours from receipt).
import type { Logger } from 'pino';
import type { QueuePort, ReceivedMessage } from '../ports.ts';

const CLEANUP_TIMEOUT_MS = 10_000;

export class MessagesInHand {
  readonly #held = new Set<ReceivedMessage>();
  readonly #queue: QueuePort;
  readonly #log: Logger;

  constructor(queue: QueuePort, log: Logger) {
    this.#queue = queue;
    this.#log = log;
  }

  get size(): number {
    return this.#held.size;
  }

  add(message: ReceivedMessage): void {
    this.#held.add(message);
  }

  /** The work is done (or can never succeed): delete the message; a failure only means it comes back. */
  async delete(message: ReceivedMessage, log: Logger): Promise<void> {
    try {
      await this.#queue.delete(message.receiptHandle, AbortSignal.timeout(CLEANUP_TIMEOUT_MS));
    } catch (error) {
      // The message comes back after its visibility timeout; handlers are idempotent.
      log.warn({ err: error }, 'deleting a finished message failed; it will be delivered again');
    } finally {
      this.#held.delete(message);
    }
  }

  /** Lets go of messages: visible again after `seconds` (0: at once, for another receive). */
  async giveBack(messages: readonly ReceivedMessage[], seconds = 0, log = this.#log): Promise<void> {
    await Promise.all(
      messages.map(async (message) => {
        try {
          await this.#queue.changeVisibility(
            message.receiptHandle,
            seconds,
            AbortSignal.timeout(CLEANUP_TIMEOUT_MS),
          );
        } catch (error) {
          log.warn(
            { err: error, messageId: message.messageId, seconds },
            'changing message visibility failed; it returns after its current timeout',
          );
        }
        this.#held.delete(message);
      }),
    );
  }

  /** The heartbeat: every message held stays invisible for another `seconds`. */
  async extendAll(seconds: number, signal: AbortSignal): Promise<void> {
    await Promise.all(
      [...this.#held].map(async (message) => {
        try {
          await this.#queue.changeVisibility(message.receiptHandle, seconds, signal);
        } catch (error) {
          if (signal.aborted) return;
          // Deleted (or given back) while the heartbeat was in flight: nothing to extend any more.
          if (!this.#held.has(message)) {
            this.#log.debug({ messageId: message.messageId }, 'heartbeat raced with the end of a message');
            return;
          }
          this.#log.warn({ err: error, messageId: message.messageId }, 'heartbeat failed for a message');
        }
      }),
    );
  }
}
