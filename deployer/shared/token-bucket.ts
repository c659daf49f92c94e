// A token bucket per source (the webhook's caller; an AWS API's throttling bucket): `burst` requests
// at once, then `perMinute` a minute. Bounded: past `maxSources` the least recently seen source is forgotten (it starts full again,
// which only ever errs towards letting a request through).
export interface TokenBucketOptions {
  burst: number;
  perMinute: number;
  maxSources?: number;
  now?: () => number;
}

export type Take = { ok: true } | { ok: false; retryAfterSeconds: number; retryAfterMs: number };

type Bucket = { tokens: number; updatedAt: number };

export class TokenBuckets {
  readonly #buckets = new Map<string, Bucket>();
  readonly #burst: number;
  readonly #perMs: number;
  readonly #maxSources: number;
  readonly #now: () => number;

  constructor(options: TokenBucketOptions) {
    this.#burst = options.burst;
    this.#perMs = options.perMinute / 60_000;
    this.#maxSources = options.maxSources ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  /** Takes one token from `source`'s bucket, or says how long until one is there. */
  take(source: string): Take {
    const now = this.#now();
    const bucket = this.#buckets.get(source) ?? { tokens: this.#burst, updatedAt: now };
    bucket.tokens = Math.min(this.#burst, bucket.tokens + (now - bucket.updatedAt) * this.#perMs);
    bucket.updatedAt = now;
    // Re-insert: Map order is then least recently seen first.
    this.#buckets.delete(source);
    this.#buckets.set(source, bucket);
    for (const key of this.#buckets.keys()) {
      if (this.#buckets.size <= this.#maxSources) break;
      this.#buckets.delete(key);
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { ok: true };
    }
    const retryAfterMs = Math.ceil((1 - bucket.tokens) / this.#perMs);
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)), retryAfterMs };
  }

  /** Empties `source`'s bucket: the server said "too fast", so the next token comes at the refill rate. */
  drain(source: string): void {
    const bucket = this.#buckets.get(source);
    this.#buckets.set(source, { tokens: Math.min(bucket?.tokens ?? 0, 0), updatedAt: this.#now() });
  }
}
