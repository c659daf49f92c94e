// A long-running SQS FIFO consumer in the spirit of bbc/sqs-consumer: long-poll receive, up to
// `concurrency` message groups worked on in parallel and strictly in order within a group, a heartbeat
// that extends the visibility of every message in hand, delete on success and on terminal errors,
// backoff for retryable ones (the queue's redrive policy moves a message to the DLQ after maxReceives),
// and a stop() that aborts the work in progress and gives back what it did not finish.
// Work that waits on something outside (a rollout waiting for ECS) releases its slot: the message
// stays in hand, its visibility extended by the heartbeat until the work ends and deletes it, so a
// crash still brings it back after the visibility timeout; the slot goes to the next group.
import type { Logger } from 'pino';
import { isDeployerError } from '../domain/errors.ts';
import type { Clock, QueuePort, ReceivedMessage } from '../ports.ts';
import { MessagesInHand } from './messages-in-hand.ts';

export interface QueueConsumerOptions {
  queue: QueuePort;
  /**
   * Does the work of one message; throws a DeployerError (retryable or terminal) when it cannot. Calls
   * `slot.release()` when it starts waiting on something outside this process.
   */
  handle: (message: ReceivedMessage, signal: AbortSignal, slot: Slot) => Promise<void>;
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

/** The consumer slot the work of a message holds; release() frees it for other groups (idempotent). */
export interface Slot {
  release(): void;
}

export type MessageOutcome = 'deleted' | 'dropped' | 'retry' | 'released';

/** 5 s, 10 s, 20 s, ... capped at 5 minutes. */
export const defaultBackoffSeconds = (receiveCount: number): number =>
  Math.min(300, 5 * 2 ** Math.max(0, receiveCount - 1));

const RECEIVE_ERROR_PAUSE_MS = 2_000;

interface Group {
  id: string;
  backlog: ReceivedMessage[];
}

export class QueueConsumer {
  readonly #options: QueueConsumerOptions;
  readonly #log: Logger;
  readonly #inHand: MessagesInHand;
  readonly #groups = new Map<string, Group>();
  readonly #waiting: Group[] = [];
  readonly #active = new Set<Promise<void>>();
  /** Slots held by running work (at most `concurrency`). */
  #busy = 0;
  /** Messages whose work released its slot and is still going on. */
  #released = 0;
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
    this.#inHand = new MessagesInHand(options.queue, this.#log);
  }

  get running(): boolean {
    return this.#loop !== undefined && !this.#stopping;
  }

  /** Messages received and not yet deleted or given back. */
  get inHand(): number {
    return this.#inHand.size;
  }

  /** Messages in hand whose work waits without a slot (rollouts waiting on ECS). */
  get waiting(): number {
    return this.#released;
  }

  start(): void {
    if (this.#loop) return;
    this.#stopping = false;
    this.#abort = new AbortController();
    // Stops with this run's abort signal (stop()).
    this.#options.clock.every(
      this.#options.heartbeatSeconds * 1000,
      () => void this.#inHand.extendAll(this.#options.visibilityTimeoutSeconds, this.#abort.signal),
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
    for (const group of this.#waiting.splice(0)) await this.#inHand.giveBack(group.backlog.splice(0));
    this.#loop = undefined;
    this.#groups.clear();
    this.#log.info('queue consumer stopped');
  }

  async #receiveLoop(): Promise<void> {
    const { queue, concurrency } = this.#options;
    const signal = this.#abort.signal;
    while (!this.#stopping) {
      // Groups waiting for a slot count as busy: receiving more would only lengthen that line.
      if (this.#busy + this.#waiting.length >= concurrency) {
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
        });
        this.#wake = undefined;
        continue;
      }
      let messages: ReceivedMessage[];
      try {
        const room = Math.min(10, Math.max(1, concurrency - this.#busy - this.#waiting.length));
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
    while (this.#waiting.length > 0 && this.#busy < this.#options.concurrency && !this.#stopping) {
      const group = this.#waiting.shift() as Group;
      this.#busy += 1;
      const slot = this.#slot();
      const run = this.#runGroup(group, slot).finally(() => {
        slot.release();
        this.#active.delete(run);
        this.#startWaitingGroups();
        this.#wake?.();
      });
      this.#active.add(run);
    }
  }

  /** A slot counted in #busy; its release lets the next waiting group start. */
  #slot(): Slot & { readonly held: boolean } {
    let held = true;
    return {
      get held() {
        return held;
      },
      release: () => {
        if (!held) return;
        held = false;
        this.#busy -= 1;
        // Not in the caller's stack: the next group's work starts on its own.
        queueMicrotask(() => {
          this.#startWaitingGroups();
          this.#wake?.();
        });
      },
    };
  }

  async #runGroup(group: Group, slot: Slot & { readonly held: boolean }): Promise<void> {
    while (!this.#stopping) {
      const message = group.backlog.shift();
      if (!message) break;
      if (!slot.held) {
        // The previous message's work gave its slot away: the rest of the group waits for a new one,
        // still in order and still in #groups (so a message of the group received meanwhile joins it).
        group.backlog.unshift(message);
        this.#waiting.push(group);
        return;
      }
      const outcome = await this.#process(message, slot);
      this.#options.onSettled?.(outcome);
      // A later message of the group must not overtake one that will be retried: give them back, FIFO
      // keeps them behind the retried one.
      if (outcome === 'retry') break;
    }
    // No await between the last look at the backlog and leaving #groups: a message of this group
    // received from now on starts a new runner instead of joining a backlog nobody works on.
    const rest = group.backlog.splice(0);
    if (this.#groups.get(group.id) === group) this.#groups.delete(group.id);
    await this.#inHand.giveBack(rest);
  }

  async #process(message: ReceivedMessage, slot: Slot & { readonly held: boolean }): Promise<MessageOutcome> {
    const log = this.#log.child({
      messageId: message.messageId,
      groupId: message.groupId,
      kind: message.body.kind,
      receiveCount: message.receiveCount,
    });
    const started = this.#options.clock.now().getTime();
    let releasedHere = false;
    const messageSlot: Slot = {
      release: () => {
        if (!slot.held) return;
        slot.release();
        releasedHere = true;
        this.#released += 1;
        log.debug('message work waits; its slot is free for other groups');
      },
    };
    try {
      await this.#options.handle(message, this.#abort.signal, messageSlot).finally(() => {
        if (releasedHere) this.#released -= 1;
      });
    } catch (error) {
      if (this.#stopping && this.#abort.signal.aborted) {
        await this.#inHand.giveBack([message]);
        log.info('message given back: the consumer is stopping');
        return 'released';
      }
      if (isDeployerError(error) && error.terminal) {
        log.error({ err: error }, 'message failed with a terminal error; deleting it');
        await this.#inHand.delete(message, log);
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
      await this.#inHand.giveBack([message], delay, log);
      return 'retry';
    }
    await this.#inHand.delete(message, log);
    log.debug({ durationMs: this.#options.clock.now().getTime() - started }, 'message done');
    return 'deleted';
  }
}
