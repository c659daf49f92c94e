// A deployer that dies mid-rollout and a fresh one over the same local world: the fresh one finds the
// revision the first registered (rollout id tag), finishes the rollout, and invalidates once.
// The "crash" gives nothing back to the queue: its message returns only after the visibility timeout,
// as after kill -9.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceStatus } from '../../../deployer/contract/status-model.ts';
import type { QueuePort } from '../../../deployer/ports.ts';
import type { DeployerRuntime } from '../../../deployer/runtime/runtime.ts';
import type { LocalWorld } from '../../../local/world.ts';
import { type HeldProxy, startHeldProxy } from '../../resilience/support/held-proxy.ts';
import { actorsYaml } from '../../support/local-actors.ts';
import { startWorldForRuntimes, type WorldForRuntimes } from '../../support/runtime-on-world.ts';
import { untilService } from '../../support/until-status.ts';

let world: LocalWorld;
let deployers: WorldForRuntimes;
let verifyProxy: HeldProxy | undefined;

beforeAll(async () => {
  deployers = await startWorldForRuntimes({
    name: 'runtime-restart',
    visibilityTimeoutSeconds: 3,
    config: {
      // The verify probe goes through a proxy the test holds: the first deployer is still verifying
      // when it dies, however slow the machine (6 probes 1 s apart made that window before, and the
      // second deployer then verified for 6 s too).
      actorsYaml: async (started) => {
        verifyProxy = await startHeldProxy(started.serviceUrl('actors'));
        return actorsYaml({
          verify: {
            url: `${verifyProxy.url}/version`,
            successes: 3,
            intervalSeconds: 0.1,
            timeoutSeconds: 20,
          },
          cdn: true,
          rolloutTimeoutSeconds: 20,
        });
      },
    },
  });
  world = deployers.world;
}, 30_000);

afterAll(async () => {
  await deployers?.stop();
  await verifyProxy?.close();
});

/** A queue that, once crashed, silently does nothing: no deletes, no visibility changes, no sends. */
function crashableQueue(inner: QueuePort): QueuePort & { crash(): void } {
  let crashed = false;
  return {
    crash: () => {
      crashed = true;
    },
    send: (m, s) => (crashed ? Promise.resolve() : inner.send(m, s)),
    sendBatch: (m, s) => (crashed ? Promise.resolve() : inner.sendBatch(m, s)),
    receive: (n, w, s) => (crashed ? Promise.resolve([]) : inner.receive(n, w, s)),
    delete: (r, s) => (crashed ? Promise.resolve() : inner.delete(r, s)),
    changeVisibility: (r, v, s) => (crashed ? Promise.resolve() : inner.changeVisibility(r, v, s)),
    stats: (s) => inner.stats(s),
  };
}

/** A deployer over the local world, started; `wrapQueue` lets a test crash its queue. */
async function deployer(wrapQueue?: (queue: QueuePort) => QueuePort): Promise<DeployerRuntime> {
  const { runtime } = await deployers.startDeployer({
    env: { WAIT_POLL_MS: '100' },
    tuning: { receiveWaitSeconds: 1, queueStatsIntervalMs: 0 },
    ...(wrapQueue ? { wrapQueue } : {}),
  });
  return runtime;
}

const until = (runtime: DeployerRuntime, done: (s: ServiceStatus) => boolean) =>
  untilService(runtime, 'actors', done);

describe('deployer restart mid-rollout', () => {
  it('a fresh deployer resumes the rollout: one new revision, one invalidation, Synced', async () => {
    let queue: ReturnType<typeof crashableQueue> | undefined;
    const first = await deployer((inner) => {
      queue = crashableQueue(inner);
      return queue;
    });
    await until(first, (s) => s.sync.state === 'Synced');
    const revisionsBefore = world.taskDefinitions().length;

    verifyProxy?.hold();
    const pushed = await world.push('actors', '1.1.0');
    const midway = await until(first, (s) => s.currentRollout?.step === 'Verifying');
    const rolloutId = midway.currentRollout?.id;
    queue?.crash();
    await first.stop();
    verifyProxy?.release();

    const second = await deployer();
    const done = await until(second, (s) => s.live?.digest === pushed.digest && s.sync.state === 'Synced');
    expect(done.recentRollouts[0]).toMatchObject({ id: rolloutId, result: 'Succeeded' });
    expect(world.taskDefinitions().length).toBe(revisionsBefore + 1);
    expect(world.invalidations().filter((i) => i.callerReference === rolloutId)).toHaveLength(1);
    const response = await fetch(`${world.serviceUrl('actors')}/version`);
    expect(await response.json()).toMatchObject({ digest: pushed.digest });
  }, 20_000);
});
