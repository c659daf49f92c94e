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

  // Issue 17 (the ECR storm): 200 callers waiting for one operation's tokens used to all sleep until
  // the next token and all wake for it (200 × 201 / 2 sleeps); in line, only the first sleeps.
  it('callers wait in line: one sleep per token, served in the order they came', async () => {
    let now = 0;
    const sleepers: { due: number; resolve: () => void }[] = [];
    const limiter = new RateLimiter({
      burst: 1,
      perSecond: 10,
      now: () => now,
      sleep: (ms) => new Promise<void>((resolve) => sleepers.push({ due: now + ms, resolve })),
    });
    const served: number[] = [];
    let sleeps = 0;
    const all = Promise.all(
      Array.from({ length: 201 }, (_, i) =>
        limiter.acquire('ecs:DescribeServices', signal).then(() => served.push(i)),
      ),
    );
    let finished = false;
    void all.then(() => {
      finished = true;
    });
    // Virtual timers: move to the earliest due sleep and end every sleep due by then.
    while (!finished) {
      await new Promise((resolve) => setImmediate(resolve));
      if (sleepers.length === 0) continue;
      now = Math.min(...sleepers.map((s) => s.due));
      for (const sleeper of sleepers.filter((s) => s.due <= now)) {
        sleepers.splice(sleepers.indexOf(sleeper), 1);
        sleeps += 1;
        sleeper.resolve();
      }
    }
    expect(served).toEqual(Array.from({ length: 201 }, (_, i) => i));
    expect(sleeps).toBe(200);
    expect(now).toBe(20_000); // 200 tokens at 10 a second
  });

  it('refuses a limit that could never let a call through', () => {
    expect(() => new RateLimiter({ burst: 0, perSecond: 10 })).toThrow(/burst 0 must be >= 1/);
  });
});
