import { afterEach, describe, expect, it } from 'vitest';
import type { DeployerStatus } from '../../../deployer/contract/status-model.ts';
import { StatusBroadcast } from '../../../deployer/http/dashboard/status-broadcast.ts';
import { deployerStatus, fakeRuntime } from './dashboard-fixtures.ts';

const broadcasts: StatusBroadcast[] = [];
afterEach(() => {
  for (const b of broadcasts.splice(0)) b.close();
});

function busy(ms: number) {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // a render that costs `ms`
  }
}

describe('StatusBroadcast', () => {
  it('serialises each change once, however many tabs listen, and watches the runtime only while they do', async () => {
    const runtime = fakeRuntime();
    let serialised = 0;
    const broadcast = new StatusBroadcast(runtime, {
      coalesceMs: 5,
      serialize: (status: DeployerStatus) => {
        serialised += 1;
        return JSON.stringify(status.version);
      },
    });
    broadcasts.push(broadcast);
    const received: string[][] = [[], [], []];
    const stops = received.map((inbox) => broadcast.add((json) => inbox.push(json)));
    expect(runtime.subscriberCount()).toBe(1);
    runtime.setStatus(deployerStatus({ version: 'v2' }));
    await expect.poll(() => received.every((inbox) => inbox.length === 1)).toBe(true);
    expect(received).toEqual([['"v2"'], ['"v2"'], ['"v2"']]);
    expect(serialised).toBe(1);
    for (const stop of stops) stop();
    expect(runtime.subscriberCount()).toBe(0);
  });

  it('widens the coalescing window when rendering is slow, so updates never take most of the CPU', async () => {
    const runtime = fakeRuntime();
    const broadcast = new StatusBroadcast(runtime, {
      coalesceMs: 5,
      serialize: () => {
        busy(40);
        return '{}';
      },
    });
    broadcasts.push(broadcast);
    let updates = 0;
    broadcast.add(() => {
      updates += 1;
    });
    expect(broadcast.windowMs).toBe(5);
    runtime.setStatus(deployerStatus({ version: 'v2' }));
    await expect.poll(() => updates).toBe(1);
    expect(broadcast.windowMs).toBeGreaterThanOrEqual(160);
    expect(broadcast.windowMs).toBeLessThanOrEqual(2000);
  });
});
