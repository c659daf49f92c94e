import { describe, expect, it } from 'vitest';
import { DeliveryCache } from '../../../deployer/http/delivery-cache.ts';

const clock = () => {
  let now = 1_000;
  return { now: () => now, advance: (ms: number) => (now += ms) };
};

describe('DeliveryCache', () => {
  it('claim(id) returns true once, then false while pending or confirmed', () => {
    const cache = new DeliveryCache();
    expect(cache.claim('a')).toBe(true);
    expect(cache.claim('a')).toBe(false);
    cache.confirm('a');
    expect(cache.claim('a')).toBe(false);
    expect(cache.has('a')).toBe(true);
  });

  it('release(id) forgets a pending claim so a redelivery is accepted', () => {
    const cache = new DeliveryCache();
    cache.claim('a');
    cache.release('a');
    expect(cache.has('a')).toBe(false);
    expect(cache.claim('a')).toBe(true);
  });

  it('release(id) keeps a confirmed id', () => {
    const cache = new DeliveryCache();
    cache.claim('a');
    cache.confirm('a');
    cache.release('a');
    expect(cache.has('a')).toBe(true);
  });

  it('forgets ids after the TTL', () => {
    const time = clock();
    const cache = new DeliveryCache({ ttlMs: 100, now: time.now });
    cache.claim('a');
    cache.confirm('a');
    time.advance(99);
    expect(cache.has('a')).toBe(true);
    time.advance(1);
    expect(cache.has('a')).toBe(false);
    expect(cache.claim('a')).toBe(true);
  });

  it('evicts the oldest ids beyond maxEntries', () => {
    const cache = new DeliveryCache({ maxEntries: 3 });
    for (const id of ['a', 'b', 'c', 'd']) {
      cache.claim(id);
      cache.confirm(id);
    }
    expect(cache.size).toBe(3);
    expect(cache.has('a')).toBe(false);
    expect(['b', 'c', 'd'].every((id) => cache.has(id))).toBe(true);
  });
});
