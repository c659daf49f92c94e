import { describe, expect, it } from 'vitest';
import { KeyedLock } from '../../../deployer/runtime/keyed-lock.ts';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('KeyedLock.run', () => {
  it('runs work of one key one at a time, in call order, and other keys alongside', async () => {
    const lock = new KeyedLock();
    const events: string[] = [];
    const job = (key: string, n: number) =>
      lock.run(key, async () => {
        events.push(`start ${key}${n}`);
        await tick();
        events.push(`end ${key}${n}`);
        return n;
      });
    const results = await Promise.all([job('a', 1), job('a', 2), job('b', 1)]);
    expect(results).toEqual([1, 2, 1]);
    expect(events.filter((e) => e.endsWith(' a1') || e.endsWith(' a2'))).toEqual([
      'start a1',
      'end a1',
      'start a2',
      'end a2',
    ]);
    expect(events.indexOf('start b1')).toBeLessThan(events.indexOf('end a1'));
  });

  it('passes a failure to its caller and still runs the next work of the key', async () => {
    const lock = new KeyedLock();
    const failing = lock.run('a', async () => {
      throw new Error('boom');
    });
    const next = lock.run('a', async () => 'ran');
    await expect(failing).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ran');
  });
});
