import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../../deployer/shared/rate-limiter.ts';

const signal = new AbortController().signal;

/** A limiter on a clock that only its waits move: what it waited is exactly what it computed. */
function onFakeClock(burst: number, perSecond: number) {
  let now = 0;
  const waits: number[] = [];
  const limiter = new RateLimiter({
    burst,
    perSecond,
    now: () => now,
    sleep: async (ms) => {
      waits.push(ms);
      now += ms;
    },
  });
  return { limiter, waits };
}

describe('RateLimiter', () => {
  it('acquire() passes `burst` calls at once, then makes the next one wait for a token', async () => {
    const { limiter, waits } = onFakeClock(3, 20);
    for (let i = 0; i < 3; i++) await limiter.acquire('ecs:DescribeServices', signal);
    expect(waits).toEqual([]);
    await limiter.acquire('ecs:DescribeServices', signal);
    await limiter.acquire('ecs:DescribeServices', signal);
    expect(waits).toEqual([50, 50]); // 20 a second: one token every 50 ms
  });

  it('each operation has its own bucket', async () => {
    const { limiter, waits } = onFakeClock(1, 1);
    await limiter.acquire('ecs:DescribeServices', signal);
    await limiter.acquire('ecs:UpdateService', signal);
    expect(waits).toEqual([]);
  });

  it('throttled() empties the bucket: the next call waits although the burst was not spent', async () => {
    const { limiter, waits } = onFakeClock(50, 5);
    await limiter.acquire('ecs:TagResource', signal);
    limiter.throttled('ecs:TagResource');
    await limiter.acquire('ecs:TagResource', signal);
    expect(waits).toEqual([200]);
    expect(limiter.stats()).toEqual({ throttles: 1, waitedMs: 200 });
  });

  it('acquire() rejects when its signal aborts while it waits', async () => {
    const limiter = new RateLimiter({ burst: 1, perSecond: 0.001 });
    await limiter.acquire('ecs:UpdateService', signal);
    const controller = new AbortController();
    const waiting = limiter.acquire('ecs:UpdateService', controller.signal);
    controller.abort(new Error('stopping'));
    await expect(waiting).rejects.toThrow();
  });

  it('refuses a limit that could never let a call through', () => {
    expect(() => new RateLimiter({ burst: 0, perSecond: 10 })).toThrow(/burst 0 must be >= 1/);
  });
});
