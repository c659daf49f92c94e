// Each replica reads the config itself: a reconcile queued by a replica that applied a newer config makes
// the replica that takes it read the head first, so it never acts on the older config (issue 17 item 7).
import { afterEach, describe, expect, it } from 'vitest';
import { serviceYaml } from '../../support/fakes/index.ts';
import { runtimeOverFakes, stopRuntimes } from '../../support/runtime-over-fakes.ts';
import { untilStatus } from '../../support/until-status.ts';

afterEach(stopRuntimes);

describe('a reconcile message from a replica with a newer config', () => {
  it('reads the config head before reconciling, and rolls out what the newer config pins', async () => {
    const world = runtimeOverFakes();
    world.seedActors({ yaml: { pin: '1.0.0' } });
    const v11 = world.registry.push('actors', '1.1.0');
    const runtime = world.boot();
    await runtime.start();
    const actors = (s: Awaited<ReturnType<typeof untilStatus>>) =>
      s.services.find((x) => x.name === 'actors');
    await untilStatus(runtime, (s) => actors(s)?.sync.state === 'Synced');
    await expect.poll(() => world.queue.messages.length).toBe(0);

    // Another replica applied revision b (pin 1.1.0) and queued the reconcile; this one never read b.
    world.configSource.commit('b'.repeat(40), [
      { ...serviceYaml({ pin: '1.1.0' }), path: 'services/actors.yaml' },
    ]);
    world.queue.inject(
      {
        kind: 'reconcile',
        service: 'actors',
        reason: 'git push bbbbbbbbbbbb',
        configRevision: 'b'.repeat(40),
      },
      'from-another-replica',
    );
    const status = await untilStatus(runtime, (s) => actors(s)?.live?.digest === v11);
    expect(status.config.revision).toBe('b'.repeat(40));
    expect(actors(status)?.sync.state).toBe('Synced');
  });
});
