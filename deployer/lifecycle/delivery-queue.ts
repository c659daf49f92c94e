// A bounded, in-order worker for slow outside calls (GitHub, chat webhooks): `offer()` never waits and
// never throws, so a reporter fed from the status store cannot slow or fail a rollout. When the queue
// is full the oldest item is dropped (the newest state is what people need) and counted.
export interface DeliveryQueueOptions<T> {
  /** Most items waiting; more drop the oldest. */
  capacity: number;
  deliver(item: T): Promise<void>;
  /** Called with every item whose delivery threw (the handler logs and counts). */
  onFailure(error: unknown, item: T): void;
  onDrop(item: T): void;
}

export class DeliveryQueue<T> {
  readonly #options: DeliveryQueueOptions<T>;
  readonly #items: T[] = [];
  #running: Promise<void> | undefined;
  #closed = false;

  constructor(options: DeliveryQueueOptions<T>) {
    if (!Number.isInteger(options.capacity) || options.capacity < 1)
      throw new RangeError(`capacity must be a whole number of at least 1, got ${options.capacity}`);
    this.#options = options;
  }

  /** Items waiting (not counting the one being delivered). */
  get size(): number {
    return this.#items.length;
  }

  offer(item: T): void {
    if (this.#closed) {
      this.#options.onDrop(item);
      return;
    }
    this.#items.push(item);
    while (this.#items.length > this.#options.capacity) this.#options.onDrop(this.#items.shift() as T);
    this.#running ??= this.#drain().finally(() => {
      this.#running = undefined;
    });
  }

  /** Resolves when every item offered so far was delivered or failed. */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  /** Stops taking items; waits for the queue to empty, at most `ms`, then drops the rest. */
  async close(ms: number): Promise<void> {
    this.#closed = true;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    });
    await Promise.race([this.idle(), deadline]).finally(() => clearTimeout(timer));
    for (const item of this.#items.splice(0)) this.#options.onDrop(item);
  }

  async #drain(): Promise<void> {
    for (let item = this.#items.shift(); item !== undefined; item = this.#items.shift()) {
      try {
        await this.#options.deliver(item);
      } catch (error) {
        this.#options.onFailure(error, item);
      }
    }
  }
}
