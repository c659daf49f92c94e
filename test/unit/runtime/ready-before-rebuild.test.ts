// Readiness means "config in force, consumer running, able to act" (issue 17: ready < 10 s at 10,000
// services, where a full rebuild cannot end in time at ECS's rates): the status rebuild from ECS runs in
// the background, each service `Observing` until it is read, and a reconcile acts meanwhile on what it
// reads itself. Here ECS holds the rebuild's DescribeTaskDefinition until the test lets it go.
import { afterEach, describe, expect, it } from 'vitest';
import type { EcsPort } from '../../../deployer/ports.ts';
import { runtimeOverFakes, stopRuntimes } from '../../support/runtime-over-fakes.ts';
import { untilService } from '../../support/until-status.ts';

afterEach(stopRuntimes);

/** The fake ECS, with its first DescribeTaskDefinition (the rebuild's) held until release(). */
function holdingFirstDescribe(ecs: EcsPort) {
  let release = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let calls = 0;
  let held = 0;
  const describeTaskDefinition = async (reference: string, signal: AbortSignal) => {
    calls += 1;
    if (calls === 1) {
      held += 1;
      await released;
    }
    return ecs.describeTaskDefinition(reference, signal);
  };
  const port = new Proxy(ecs, {
    get: (target, key) => {
      if (key === 'describeTaskDefinition') return describeTaskDefinition;
      const value = Reflect.get(target, key);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { port, release, held: () => held };
}

describe('readiness does not wait for the status rebuild', () => {
  it('answers ready while DescribeTaskDefinition is held, each service Observing, and rebuilds after', async () => {
    const world = runtimeOverFakes();
    const { v1 } = world.seedActors({ byDigest: true });
    const ecs = holdingFirstDescribe(world.ecs);
    const runtime = world.boot({ ecs: ecs.port });

    await runtime.start();

    await expect.poll(() => ecs.held()).toBe(1);
    expect(runtime.ready()).toBe(true);
    expect((await runtime.readiness()).ready).toBe(true);
    expect(runtime.serviceStatus('actors')?.sync).toMatchObject({ state: 'Unknown', reason: 'Observing' });
    expect(runtime.serviceStatus('actors')?.live).toBeNull();

    ecs.release();
    const rebuilt = await untilService(runtime, 'actors', (s) => s.live?.digest === v1);
    expect(rebuilt.live?.digest).toBe(v1);
  });

  it('a reconcile rolls out on its own reads while the rebuild is still held', async () => {
    const world = runtimeOverFakes();
    world.seedActors({ byDigest: true });
    const ecs = holdingFirstDescribe(world.ecs);
    const runtime = world.boot({ ecs: ecs.port });
    await runtime.start();
    await expect.poll(() => ecs.held()).toBe(1);
    const v11 = world.registry.push('actors', '1.1.0');

    await runtime.sync('actors', AbortSignal.timeout(5_000));

    const done = await untilService(
      runtime,
      'actors',
      (s) => s.live?.digest === v11 && s.sync.state === 'Synced',
    );
    expect(done.recentRollouts[0]?.result).toBe('Succeeded');
    expect(world.ecs.servedDigest()).toBe(v11);
    // The rebuild never answered: everything above came from the reconcile's own reads.
    expect(ecs.held()).toBe(1);
    ecs.release();
  });
});
