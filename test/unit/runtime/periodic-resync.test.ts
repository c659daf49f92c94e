import { describe, expect, it } from 'vitest';
import { periodicResync } from '../../../deployer/runtime/periodic-resync.ts';

/** periodic-resync.ts queues a pass it never saw run again after 3 intervals. */
const REQUEUE_AFTER_INTERVALS = 3;

import { silentLogger } from '../../support/fakes/index.ts';

function harness(options: { sendFails?: () => boolean } = {}) {
  const state = { nowMs: 0, passesRun: 0, sent: 0 };
  const tick = periodicResync({
    intervalMs: 1_000,
    nowMs: () => state.nowMs,
    passesRun: () => state.passesRun,
    enqueue: async () => {
      if (options.sendFails?.()) throw new Error('queue down');
      state.sent += 1;
    },
    logger: silentLogger,
  });
  const everyInterval = async (times: number) => {
    for (let i = 0; i < times; i += 1) {
      state.nowMs += 1_000;
      await tick().catch(() => undefined);
    }
  };
  return { state, everyInterval };
}

describe('periodic resync', () => {
  it('queues one pass per interval while each pass runs before the next interval', async () => {
    const { state, everyInterval } = harness();
    for (let i = 0; i < 5; i += 1) {
      await everyInterval(1);
      state.passesRun += 1;
    }
    expect(state.sent).toBe(5);
  });

  it('queues no second pass behind one that has not run (a backed-up queue), until it is stale', async () => {
    const { state, everyInterval } = harness();
    await everyInterval(REQUEUE_AFTER_INTERVALS);
    expect(state.sent).toBe(1);
    // Another replica may have run it: after the stale limit this one queues again.
    await everyInterval(1);
    expect(state.sent).toBe(2);
  });

  it('queues the next pass at the first interval after the waiting one ran', async () => {
    const { state, everyInterval } = harness();
    await everyInterval(2);
    state.passesRun += 1;
    await everyInterval(1);
    expect(state.sent).toBe(2);
  });

  it('a failed send is tried again at the next interval', async () => {
    let failures = 1;
    const { state, everyInterval } = harness({ sendFails: () => failures-- > 0 });
    await everyInterval(2);
    expect(state.sent).toBe(1);
  });
});
