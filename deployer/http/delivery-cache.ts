// Remembers recent webhook deliveries (by delivery id and by body digest) so a replayed or
// redelivered webhook is answered `{duplicate: true}` without queueing again. The storage is the
// deployer's one time-limited id set (shared/expiring-map.ts: bounded, oldest evicted first, TTL);
// this adds the claim → confirm | release protocol of an in-flight delivery. The SQS FIFO
// deduplication id (the delivery id, 5 minutes) is the second line of defence across replicas.
import { ExpiringMap } from '../shared/expiring-map.ts';

export interface DeliveryCacheOptions {
  maxEntries?: number;
  ttlMs?: number;
  now?: () => number;
}

type State = 'pending' | 'done';

export class DeliveryCache {
  readonly #ids: ExpiringMap<State>;

  constructor(options: DeliveryCacheOptions = {}) {
    this.#ids = new ExpiringMap<State>({
      maxEntries: options.maxEntries ?? 10_000,
      ttlMs: options.ttlMs ?? 24 * 60 * 60 * 1000,
      now: options.now ?? Date.now,
    });
  }

  get size(): number {
    return this.#ids.size;
  }

  /** True when the id was accepted before (or is being accepted right now) and has not expired. */
  has(id: string): boolean {
    return this.#ids.has(id);
  }

  /** Claims the id for one in-flight delivery; false when it is known already (a duplicate). */
  claim(id: string): boolean {
    if (this.#ids.has(id)) return false;
    this.#ids.set(id, 'pending');
    return true;
  }

  /** The delivery was queued: remember it for the TTL. */
  confirm(id: string): void {
    this.#ids.set(id, 'done');
  }

  /** The delivery could not be queued: forget the claim so GitHub's redelivery is accepted. */
  release(id: string): void {
    if (this.#ids.get(id) === 'pending') this.#ids.delete(id);
  }
}
