// Remembers recent GitHub delivery ids so a replayed or redelivered webhook is answered
// `{duplicate: true}` without queueing again. Bounded (oldest evicted first) with a TTL; the SQS FIFO
// deduplication id (the delivery id, 5 minutes) is the second line of defence across replicas.
export interface DeliveryCacheOptions {
  maxEntries?: number;
  ttlMs?: number;
  now?: () => number;
}

type Entry = { state: 'pending' | 'done'; expiresAt: number };

export class DeliveryCache {
  readonly #entries = new Map<string, Entry>();
  readonly #maxEntries: number;
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(options: DeliveryCacheOptions = {}) {
    this.#maxEntries = options.maxEntries ?? 10_000;
    this.#ttlMs = options.ttlMs ?? 24 * 60 * 60 * 1000;
    this.#now = options.now ?? Date.now;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** True when the id was accepted before (or is being accepted right now) and has not expired. */
  has(id: string): boolean {
    const entry = this.#entries.get(id);
    if (!entry) return false;
    if (entry.expiresAt <= this.#now()) {
      this.#entries.delete(id);
      return false;
    }
    return true;
  }

  /** Claims the id for one in-flight delivery; false when it is known already (a duplicate). */
  claim(id: string): boolean {
    if (this.has(id)) return false;
    this.#set(id, 'pending');
    return true;
  }

  /** The delivery was queued: remember it for the TTL. */
  confirm(id: string): void {
    this.#set(id, 'done');
  }

  /** The delivery could not be queued: forget the claim so GitHub's redelivery is accepted. */
  release(id: string): void {
    if (this.#entries.get(id)?.state === 'pending') this.#entries.delete(id);
  }

  #set(id: string, state: Entry['state']): void {
    this.#entries.delete(id);
    this.#entries.set(id, { state, expiresAt: this.#now() + this.#ttlMs });
    // Map iteration is insertion order: the first keys are the oldest.
    for (const key of this.#entries.keys()) {
      if (this.#entries.size <= this.#maxEntries) break;
      this.#entries.delete(key);
    }
  }
}
