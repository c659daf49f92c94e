// The hints that make promotion look: the end of a rollout upstream reconciles the environments promoted
// from it (each end its own message, past the queue's deduplication), and a soaking digest is looked
// at again when its soak time ends, once.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { DesiredState, QueueMessage, ServiceConfig } from '../../../deployer/domain/types.ts';
import { PromotionHints } from '../../../deployer/runtime/promotion-hints.ts';
import { SteppedClock } from '../../support/fakes/clocks.ts';
import { FakeQueue } from '../../support/fakes/fake-queue.ts';
import { actorsServiceConfig } from '../../support/fakes/service-config.ts';

const stages = ['staging', 'qa', 'production'];
const target = (name: string, promote?: string): ServiceConfig =>
  actorsServiceConfig({
    name: `actors@${name}`,
    environment: {
      name,
      pipeline: 'actors',
      stages,
      ...(promote ? { promote: { from: `actors@${promote}`, after: 'verified', soakMinutes: 0 } } : {}),
    },
  });
const desired: DesiredState = {
  revision: 'r1',
  services: [
    target('staging'),
    target('qa', 'staging'),
    target('production', 'qa'),
    actorsServiceConfig({ name: 'web' }),
  ],
};

function hints(clock = new SteppedClock()) {
  const queue = new FakeQueue();
  const controller = new AbortController();
  const promotionHints = new PromotionHints({
    queue,
    clock,
    logger: pino({ level: 'silent' }),
    desired: () => desired,
    signal: () => controller.signal,
  });
  return { queue, clock, controller, promotionHints };
}
const reconciled = (sent: QueueMessage[]) => sent.flatMap((m) => (m.kind === 'reconcile' ? [m.service] : []));

describe('PromotionHints', () => {
  it('rolloutEnded queues a reconcile of each environment promoted from that one, and of no other', async () => {
    const { queue, promotionHints } = hints();
    await promotionHints.rolloutEnded('actors@staging', new AbortController().signal);
    expect(reconciled(queue.sent)).toEqual(['actors@qa']);
    await promotionHints.rolloutEnded('actors@production', new AbortController().signal);
    expect(reconciled(queue.sent)).toEqual(['actors@qa']);
  });

  it('the next rollout upstream gets its own hint: the queue does not drop it as a repeat', async () => {
    const { queue, clock, promotionHints } = hints();
    await promotionHints.rolloutEnded('actors@qa', new AbortController().signal);
    clock.advance(60_000);
    await promotionHints.rolloutEnded('actors@qa', new AbortController().signal);
    expect(reconciled(queue.sent)).toEqual(['actors@production', 'actors@production']);
    expect(queue.duplicatesDropped).toBe(0);
  });

  it('soaking queues one reconcile when the soak ends, however often the same end is reported', async () => {
    const { queue, clock, controller, promotionHints } = hints();
    const until = new Date(clock.now().getTime() + 30 * 60_000);
    promotionHints.soaking('actors@production', until);
    promotionHints.soaking('actors@production', until);
    await clock.asleep();
    expect(queue.sent).toEqual([]);
    clock.wake();
    await new Promise((resolve) => setImmediate(resolve));
    expect(clock.now().getTime()).toBe(until.getTime());
    expect(reconciled(queue.sent)).toEqual(['actors@production']);
    expect(() => clock.wake()).toThrow(/nothing is asleep/);
    controller.abort();
  });
});
