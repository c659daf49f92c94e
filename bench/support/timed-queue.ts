// A QueuePort decorator that remembers when each message was handed to the deployer, so latency
// benchmarks can split "event → action" into queue hops and the deployer's own work.
import type { QueueMessage } from '../../deployer/domain/types.ts';
import type { QueuePort, ReceivedMessage } from '../../deployer/ports.ts';

export interface ReceiveRecord {
  kind: QueueMessage['kind'];
  /** Date.now() when receive() returned the message. */
  at: number;
}

export class TimedQueue implements QueuePort {
  readonly receives: ReceiveRecord[] = [];
  readonly #inner: QueuePort;

  constructor(inner: QueuePort) {
    this.#inner = inner;
  }

  /** The first receive of `kind` at or after `since`. */
  firstReceive(kind: QueueMessage['kind'], since: number): ReceiveRecord | undefined {
    return this.receives.find((record) => record.kind === kind && record.at >= since);
  }

  send(message: QueueMessage, signal: AbortSignal): Promise<void> {
    return this.#inner.send(message, signal);
  }

  sendBatch(messages: readonly QueueMessage[], signal: AbortSignal): Promise<void> {
    return this.#inner.sendBatch(messages, signal);
  }

  async receive(maxMessages: number, waitSeconds: number, signal: AbortSignal): Promise<ReceivedMessage[]> {
    const messages = await this.#inner.receive(maxMessages, waitSeconds, signal);
    const at = Date.now();
    for (const message of messages) this.receives.push({ kind: message.body.kind, at });
    if (this.receives.length > 10_000) this.receives.splice(0, this.receives.length - 10_000);
    return messages;
  }

  delete(receiptHandle: string, signal: AbortSignal): Promise<void> {
    return this.#inner.delete(receiptHandle, signal);
  }

  changeVisibility(receiptHandle: string, seconds: number, signal: AbortSignal): Promise<void> {
    return this.#inner.changeVisibility(receiptHandle, seconds, signal);
  }

  stats(signal: AbortSignal): Promise<{ visible: number; inFlight: number }> {
    return this.#inner.stats(signal);
  }
}
