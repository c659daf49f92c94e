// Recently seen ids (and a value each) for a while: bounded whatever the rate (the oldest go first)
// and forgotten after a time to live. Serves every "was this seen lately?" question of the deployer:
// the runtime's enqueue deduplication (SQS FIFO's own 5-minute window, answered before the send) and
// the webhook's delivery ids.
export interface ExpiringMapOptions {
  ttlMs: number;
  maxEntries: number;
  /** Milliseconds since the epoch (the runtime passes its Clock). */
  now: () => number;
}

interface Entry<V> {
  value: V;
  expiresAt: number;
}

export class ExpiringMap<V> {
  readonly #entries = new Map<string, Entry<V>>();
  readonly #options: ExpiringMapOptions;

  constructor(options: ExpiringMapOptions) {
    this.#options = options;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The value of an id seen within its time to live. */
  get(id: string): V | undefined {
    const entry = this.#entries.get(id);
    if (!entry) return undefined;
    if (entry.expiresAt > this.#options.now()) return entry.value;
    this.#entries.delete(id);
    return undefined;
  }

  has(id: string): boolean {
    return this.get(id) !== undefined;
  }

  /** Remembers the id from now on (a repeat renews it), dropping the oldest beyond maxEntries. */
  set(id: string, value: V): void {
    const now = this.#options.now();
    this.#entries.delete(id);
    this.#entries.set(id, { value, expiresAt: now + this.#options.ttlMs });
    // A Map iterates in insertion order: the first entries are the oldest.
    for (const [key, entry] of this.#entries) {
      if (this.#entries.size <= this.#options.maxEntries && entry.expiresAt > now) break;
      this.#entries.delete(key);
    }
  }

  delete(id: string): void {
    this.#entries.delete(id);
  }
}
