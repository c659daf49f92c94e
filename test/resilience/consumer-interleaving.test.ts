// The queue consumer against a queue that answers in microtasks (an in-process queue; the tightest
// interleaving a transport can produce). Guards a fixed race in deployer/runtime/queue-consumer.ts:
// when a group's runner had deleted its last message and was awaiting `#releaseAll([])`, a receive
// could hand over the group's next message; `#accept` appended it to the finishing group's backlog,
// the runner's `finally` then dropped the group, and the message stayed in `#inHand` forever (the
// heartbeat kept it invisible, so the FIFO group — here `intake` — never moved again). The runner
// now leaves `#groups` synchronously once its backlog is empty.
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createScaleWorld, type ScaleWorld } from '../../bench/support/scale-world.ts';

let world: ScaleWorld | undefined;

afterAll(async () => {
  await world?.runtime.stop();
});

describe('queue consumer with a queue that answers in microtasks', () => {
  it('drains 200 image-push events for 20 services without stranding a message', async () => {
    world = createScaleWorld({ services: 20, logger: pino({ level: 'silent' }), queueAnswerIn: 'microtask' });
    await world.runtime.start();
    await world.queue.idle(100, 10_000);
    for (const name of world.names.slice(0, 12)) world.registry.push(name, '1.1.0');
    for (let event = 0; event < 200; event += 1) {
      const name = world.names[event % world.names.length] as string;
      const [newest] = (await world.registry.listImages(name, AbortSignal.timeout(1000))).sort(
        (a, b) => b.pushedAt.getTime() - a.pushedAt.getTime(),
      );
      world.queue.inject(
        {
          kind: 'image-push',
          repository: name,
          digest: newest?.digest ?? '',
          pushedAt: new Date().toISOString(),
        },
        `event-${event}`,
      );
    }
    await world.queue.idle(100, 10_000);
    expect(world.queue.snapshot()).toEqual({ visible: 0, inFlight: 0 });
    expect(world.ecs.registrations.length).toBe(12);
  }, 30_000);
});
