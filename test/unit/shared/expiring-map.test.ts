import { describe, expect, it } from 'vitest';
import { ExpiringMap } from '../../../deployer/shared/expiring-map.ts';

function map(maxEntries = 3, ttlMs = 1000) {
  let now = 0;
  const ids = new ExpiringMap<string>({ ttlMs, maxEntries, now: () => now });
  return { ids, advance: (ms: number) => (now += ms) };
}

describe('ExpiringMap', () => {
  it('get answers a value within its time to live and forgets it after', () => {
    const { ids, advance } = map();
    ids.set('a', 'pending');
    advance(999);
    expect(ids.get('a')).toBe('pending');
    advance(1);
    expect(ids.has('a')).toBe(false);
    expect(ids.size).toBe(0);
  });

  it('set beyond maxEntries drops the oldest first', () => {
    const { ids } = map(2);
    ids.set('a', '1');
    ids.set('b', '2');
    ids.set('c', '3');
    expect([ids.has('a'), ids.has('b'), ids.has('c')]).toEqual([false, true, true]);
  });

  it('set of a known id renews it and moves it to the newest', () => {
    const { ids, advance } = map(2);
    ids.set('a', '1');
    ids.set('b', '2');
    advance(500);
    ids.set('a', 'done');
    ids.set('c', '3');
    expect([ids.get('a'), ids.has('b'), ids.has('c')]).toEqual(['done', false, true]);
    advance(600);
    expect(ids.get('a')).toBe('done');
  });

  it('set sweeps expired entries from the old end, so memory follows the live ids', () => {
    const { ids, advance } = map(100);
    for (const id of ['a', 'b', 'c']) ids.set(id, id);
    advance(2000);
    ids.set('d', 'd');
    expect(ids.size).toBe(1);
  });

  it('delete forgets at once', () => {
    const { ids } = map();
    ids.set('a', '1');
    ids.delete('a');
    expect(ids.get('a')).toBeUndefined();
  });
});
