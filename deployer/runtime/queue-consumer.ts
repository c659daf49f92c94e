// A long-running SQS FIFO consumer in the spirit of bbc/sqs-consumer: long-poll receive, up to
// `concurrency` message groups worked on in parallel and strictly in order within a group, a heartbeat
// that extends the visibility of every message in hand, delete on success and on terminal errors,
// backoff for retryable ones (the queue's redrive policy moves a message to the DLQ after maxReceives),
// and a stop() that aborts the work in progress and gives back what it did not finish.
import type { Logger } from 'pino';
import { isDeployerError } from '../domain/errors.ts';
import type { Clock, QueuePort, ReceivedMessage } from '../ports.ts';

export interface QueueConsumerOptions {
  queue: QueuePort;
  /** Does the work of one message; throws a DeployerError (retryable or terminal) when it cannot. */
  handle: (message: ReceivedMessage, signal: AbortSignal) => Promise<void>;
  concurrency: number;
  visibilityTimeoutSeconds: number;
  /** Interval of visibility extensions; must be below visibilityTimeoutSeconds (fractions allowed in tests). */
  heartbeatSeconds: number;
  /** The queue's redrive maxReceiveCount: used to say when a failing message is about to be dead-lettered. */
  maxReceives: number;
  /** Long-poll wait per receive (SQS allows 0..20). */
  waitSeconds?: number;
  clock: Clock;
  logger: Logger;
  /** Seconds a retryable failure stays invisible before its next attempt. */
  backoffSeconds?: (receiveCount: number) => number;
  onReceive?: (message: ReceivedMessage) => void;
  /** After each message is deleted, dropped, put back for a retry or released. */
  onSettled?: (outcome: MessageOutcome) => void;
}

export type MessageOutcome = 'deleted' | 'dropped' | 'retry' | 'released';

/** 5 s, 10 s, 20 s, ... capped at 5 minutes. */
export const defaultBackoffSeconds = (receiveCount: number): number =>
  Math.min(300, 5 * 2 ** Math.max(0, receiveCount - 1));

const RECEIVE_ERROR_PAUSE_MS = 2_000;
const CLEANUP_TIMEOUT_MS = 10_000;

interface Group {
  id: string;
  backlog: ReceivedMessage[];
}

export class QueueConsumer {
  readonly #options: QueueConsumerOptions;
  readonly #log: Logger;
  readonly #inHand = new Set<ReceivedMessage>();
  readonly #groups = new Map<string, Group>();
  readonly #waiting: Group[] = [];
  readonly #active = new Set<Promise<void>>();
  #abort = new AbortController();
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #stopping = false;

  constructor(options: QueueConsumerOptions) {
    if (options.heartbeatSeconds >= options.visibilityTimeoutSeconds)
      throw new Error('heartbeatSeconds must be less than visibilityTimeoutSeconds');
    if (options.concurrency < 1) throw new Error('concurrency must be at least 1');
    this.#options = options;
    this.#log = options.logger.child({ component: 'queue-consumer' });
  }

  get running(): boolean {
    return this.#loop !== undefined && !this.#stopping;
  }

  /** Messages received and not yet deleted or given back. */
  get inHand(): number {
    return this.#inHand.size;
  }

  start(): void {
    if (this.#loop) return;
    this.#stopping = false;
    this.#abort = new AbortController();
    // Stops with this run's abort signal (stop()).
    this.#options.clock.every(
      this.#options.heartbeatSeconds * 1000,
      () => void this.#extendVisibility(),
      this.#abort.signal,
    );
    this.#loop = this.#receiveLoop();
    this.#log.info(
      {
        concurrency: this.#options.concurrency,
        visibilityTimeoutSeconds: this.#options.visibilityTimeoutSeconds,
      },
      'queue consumer started',
    );
  }

  /** Stops receiving, aborts work in progress and makes every unfinished message visible again. */
  async stop(): Promise<void> {
    if (!this.#loop) return;
    this.#stopping = true;
    this.#abort.abort(new Error('queue consumer stopping'));
    this.#wake?.();
    await this.#loop;
    while (this.#active.size > 0) await Promise.allSettled([...this.#active]);
    for (const group of this.#waiting.splice(0)) await this.#releaseAll(group.backlog.splice(0));
    this.#loop = undefined;
    this.#groups.clear();
    this.#log.info('queue consumer stopped');
  }

  async #receiveLoop(): Promise<void> {
    const { queue, concurrency } = this.#options;
    const signal = this.#abort.signal;
    while (!this.#stopping) {
      if (this.#groups.size >= concurrency) {
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
        });
        this.#wake = undefined;
        continue;
      }
      let messages: ReceivedMessage[];
      try {
        const room = Math.min(10, Math.max(1, concurrency - this.#groups.size));
        messages = await queue.receive(room, this.#options.waitSeconds ?? 20, signal);
      } catch (error) {
        if (this.#stopping) break;
        this.#log.warn({ err: error }, 'receiving from the queue failed; trying again shortly');
        await this.#options.clock.sleep(RECEIVE_ERROR_PAUSE_MS, signal).catch(() => undefined);
        continue;
      }
      for (const message of messages) this.#accept(message);
      // An empty answer that came back at once (a short poll, a stand-in) must not starve the event loop.
      if (messages.length === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  }

  #accept(message: ReceivedMessage): void {
    this.#inHand.add(message);
    this.#options.onReceive?.(message);
    this.#log.debug(
      { messageId: message.messageId, groupId: message.groupId, kind: message.body.kind },
      'message received',
    );
    const existing = this.#groups.get(message.groupId);
    if (existing) {
      existing.backlog.push(message);
      return;
    }
    const group: Group = { id: message.groupId, backlog: [message] };
    this.#groups.set(group.id, group);
    this.#waiting.push(group);
    this.#startWaitingGroups();
  }

  #startWaitingGroups(): void {
    while (this.#waiting.length > 0 && this.#active.size < this.#options.concurrency && !this.#stopping) {
      const group = this.#waiting.shift() as Group;
      const run = this.#runGroup(group).finally(() => {
        this.#active.delete(run);
        if (this.#groups.get(group.id) === group) this.#groups.delete(group.id);
        this.#startWaitingGroups();
        this.#wake?.();
      });
      this.#active.add(run);
    }
  }

  async #runGroup(group: Group): Promise<void> {
    while (!this.#stopping) {
      const message = group.backlog.shift();
      if (!message) break;
      const outcome = await this.#process(message);
      this.#options.onSettled?.(outcome);
      // A later message of the group must not overtake one that will be retried: give them back, FIFO
      // keeps them behind the retried one.
      if (outcome === 'retry') break;
    }
    // No await between the last look at the backlog and leaving #groups: a message of this group
    // received from now on starts a new runner instead of joining a backlog nobody works on.
    const rest = group.backlog.splice(0);
    if (this.#groups.get(group.id) === group) this.#groups.delete(group.id);
    await this.#releaseAll(rest);
  }

  async #process(message: ReceivedMessage): Promise<MessageOutcome> {
    const log = this.#log.child({
      messageId: message.messageId,
      groupId: message.groupId,
      kind: message.body.kind,
      receiveCount: message.receiveCount,
    });
    const started = this.#options.clock.now().getTime();
    try {
      await this.#options.handle(message, this.#abort.signal);
    } catch (error) {
      if (this.#stopping && this.#abort.signal.aborted) {
        await this.#releaseAll([message]);
        log.info('message given back: the consumer is stopping');
        return 'released';
      }
      if (isDeployerError(error) && error.terminal) {
        log.error({ err: error }, 'message failed with a terminal error; deleting it');
        await this.#delete(message, log);
        return 'dropped';
      }
      const delay = (this.#options.backoffSeconds ?? defaultBackoffSeconds)(message.receiveCount);
      if (message.receiveCount >= this.#options.maxReceives) {
        log.error(
          { err: error, maxReceives: this.#options.maxReceives },
          'message failed on its last allowed receive; the queue will move it to the dead-letter queue',
        );
      } else {
        log.warn({ err: error, retryInSeconds: delay }, 'message failed; it will be retried');
      }
      await this.#setVisibility(message, delay, log);
      this.#inHand.delete(message);
      return 'retry';
    }
    await this.#delete(message, log);
    log.debug({ durationMs: this.#options.clock.now().getTime() - started }, 'message done');
    return 'deleted';
  }

  async #delete(message: ReceivedMessage, log: Logger): Promise<void> {
    try {
      await this.#options.queue.delete(message.receiptHandle, AbortSignal.timeout(CLEANUP_TIMEOUT_MS));
    } catch (error) {
      // The message comes back after its visibility timeout; handlers are idempotent.
      log.warn({ err: error }, 'deleting a finished message failed; it will be delivered again');
    } finally {
      this.#inHand.delete(message);
    }
  }

  async #releaseAll(messages: ReceivedMessage[]): Promise<void> {
    await Promise.all(
      messages.map(async (message) => {
        await this.#setVisibility(message, 0, this.#log);
        this.#inHand.delete(message);
      }),
    );
  }

  async #setVisibility(message: ReceivedMessage, seconds: number, log: Logger): Promise<void> {
    try {
      await this.#options.queue.changeVisibility(
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
  }

  async #extendVisibility(): Promise<void> {
    const seconds = this.#options.visibilityTimeoutSeconds;
    await Promise.all(
      [...this.#inHand].map(async (message) => {
        try {
          await this.#options.queue.changeVisibility(message.receiptHandle, seconds, this.#abort.signal);
        } catch (error) {
          if (this.#abort.signal.aborted) return;
          // Deleted (or given back) while the heartbeat was in flight: nothing to extend any more.
          if (!this.#inHand.has(message)) {
            this.#log.debug({ messageId: message.messageId }, 'heartbeat raced with the end of a message');
            return;
          }
          this.#log.warn({ err: error, messageId: message.messageId }, 'heartbeat failed for a message');
        }
      }),
    );
  }
}
