// Keeps a client under an API's throttling quotas instead of finding them by ThrottlingException: one
// token bucket per operation (AWS meters per action or group of actions, e.g. ECS: "Amazon ECS uses the
// token bucket algorithm ... the bucket maximum capacity signifies the burst rate and the bucket refill
// rate is the sustained rate", https://docs.aws.amazon.com/AmazonECS/latest/APIReference/request-throttling.html).
// A call waits for its token; a throttling answer empties that bucket, so the calls behind it slow to
// the sustained rate instead of piling more throttles onto the SDK's own retries.
import { setTimeout as sleep } from 'node:timers/promises';
import { TokenBuckets } from './token-bucket.ts';

export interface RateLimiterOptions {
  /** Calls allowed at once per operation (the bucket's capacity). */
  burst: number;
  /** Calls per second per operation once the burst is spent (the refill rate). */
  perSecond: number;
  now?: () => number;
  /** How a call waits for its token (tests pass one that moves their clock). */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

const realSleep = (ms: number, signal: AbortSignal) => sleep(ms, undefined, { signal });

export class RateLimiter {
  readonly #buckets: TokenBuckets;
  readonly #sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  #waitedMs = 0;
  #throttles = 0;

  constructor(options: RateLimiterOptions) {
    if (!(options.burst >= 1) || !(options.perSecond > 0))
      throw new Error(
        `rate limiter: burst ${options.burst} must be >= 1 and perSecond ${options.perSecond} > 0`,
      );
    this.#buckets = new TokenBuckets({
      burst: options.burst,
      perMinute: options.perSecond * 60,
      maxSources: 1_000,
      ...(options.now ? { now: options.now } : {}),
    });
    this.#sleep = options.sleep ?? realSleep;
  }

  /** Resolves when `operation` may be called; rejects when `signal` aborts first. */
  async acquire(operation: string, signal: AbortSignal): Promise<void> {
    for (;;) {
      const take = this.#buckets.take(operation);
      if (take.ok) return;
      this.#waitedMs += take.retryAfterMs;
      await this.#sleep(take.retryAfterMs, signal);
    }
  }

  /** The server throttled `operation`: start again from an empty bucket. */
  throttled(operation: string): void {
    this.#throttles += 1;
    this.#buckets.drain(operation);
  }

  /** Time callers spent waiting for tokens, and throttles reported (for logs and benchmarks). */
  stats(): { waitedMs: number; throttles: number } {
    return { waitedMs: this.#waitedMs, throttles: this.#throttles };
  }
}
