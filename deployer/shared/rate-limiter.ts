// Keeps a client under an API's throttling quotas instead of finding them by ThrottlingException: one
// token bucket per operation (AWS meters per action or group of actions, e.g. ECS: "Amazon ECS uses the
// token bucket algorithm ... the bucket maximum capacity signifies the burst rate and the bucket refill
// rate is the sustained rate", https://docs.aws.amazon.com/AmazonECS/latest/APIReference/request-throttling.html).
// A call waits for its token; a throttling answer empties that bucket, so the calls behind it slow to
// the sustained rate instead of piling more throttles onto the SDK's own retries. Callers of one
// operation wait in line, first come first served, and only the first sleeps: a crowd that all slept
// until the next token and all woke for it cost O(waiters) timers per token (issue 17: the ECR storm at
// 3,000 services spent a fifth of its CPU there, behind the status refresh's budget).
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
  /** Per operation, the last caller in line: the next one waits for it to have its token. */
  readonly #lines = new Map<string, Promise<void>>();

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

  /**
   * Resolves when `operation` may be called; rejects when `signal` aborts first (a caller behind
   * others in line notices at its turn, which comes at once when the others stop for the same signal).
   */
  async acquire(operation: string, signal: AbortSignal): Promise<void> {
    const ahead = this.#lines.get(operation);
    if (!ahead && this.#buckets.take(operation).ok) return;
    let leave: () => void = () => {};
    const mine = new Promise<void>((resolve) => {
      leave = resolve;
    });
    this.#lines.set(operation, mine);
    void mine.then(() => {
      if (this.#lines.get(operation) === mine) this.#lines.delete(operation);
    });
    try {
      await ahead;
      for (;;) {
        signal.throwIfAborted();
        const take = this.#buckets.take(operation);
        if (take.ok) return;
        this.#waitedMs += take.retryAfterMs;
        await this.#sleep(take.retryAfterMs, signal);
      }
    } finally {
      leave();
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
