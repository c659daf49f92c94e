import { describe, expect, it } from 'vitest';
import { DeliveryQueue } from '../../../deployer/lifecycle/delivery-queue.ts';

function queue(capacity: number, deliver: (item: number) => Promise<void>) {
  const failed: number[] = [];
  const dropped: number[] = [];
  const q = new DeliveryQueue<number>({
    capacity,
    deliver,
    onFailure: (_error, item) => failed.push(item),
    onDrop: (item) => dropped.push(item),
  });
  return { q, failed, dropped };
}

describe('DeliveryQueue', () => {
  it('delivers in order, one at a time', async () => {
    const delivered: number[] = [];
    let running = 0;
    let most = 0;
    const { q } = queue(10, async (item) => {
      running += 1;
      most = Math.max(most, running);
      await Promise.resolve();
      delivered.push(item);
      running -= 1;
    });
    for (const item of [1, 2, 3]) q.offer(item);
    await q.idle();
    expect(delivered).toEqual([1, 2, 3]);
    expect(most).toBe(1);
  });

  it('drops the oldest waiting item when full, and offer() never waits', async () => {
    let release: () => void = () => {};
    const blocked = new Promise<void>((resolve) => {
      release = resolve;
    });
    const delivered: number[] = [];
    const { q, dropped } = queue(2, async (item) => {
      await blocked;
      delivered.push(item);
    });
    for (const item of [1, 2, 3, 4]) q.offer(item); // 1 is being delivered; 2 is pushed out by 4
    expect(dropped).toEqual([2]);
    release();
    await q.idle();
    expect(delivered).toEqual([1, 3, 4]);
  });

  it('hands a failed delivery to onFailure and goes on', async () => {
    const delivered: number[] = [];
    const { q, failed } = queue(10, async (item) => {
      if (item === 2) throw new Error('boom');
      delivered.push(item);
    });
    for (const item of [1, 2, 3]) q.offer(item);
    await q.idle();
    expect(failed).toEqual([2]);
    expect(delivered).toEqual([1, 3]);
  });

  it('close() drops what is still waiting after the grace period and refuses new items', async () => {
    const { q, dropped } = queue(10, () => new Promise(() => {}));
    for (const item of [1, 2, 3]) q.offer(item);
    await q.close(1);
    q.offer(4);
    expect(dropped).toEqual([2, 3, 4]);
  });
});
