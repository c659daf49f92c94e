// Two deployer replicas on one queue (principle 2: the queue is the coordinator): an image push is
// rolled out once, with one task definition revision and one invalidation, whichever replica takes it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeployerProcess } from '../../support/deployer-process.ts';
import { type E2eEnvironment, servedVersion, startE2eEnvironment } from '../../support/e2e-environment.ts';

describe('deployer e2e: two replicas', () => {
  let e2e: E2eEnvironment;
  let replicas: DeployerProcess[];

  beforeAll(async () => {
    e2e = await startE2eEnvironment();
    replicas = await Promise.all([e2e.startDeployer(), e2e.startDeployer()]);
    // Both ready. (Each replica's status shows only what it reconciled itself, so only one of them
    // may have seen the startup reconcile: that is the documented limit of a per-replica cache.)
    for (const replica of replicas) {
      const deadline = Date.now() + 15_000;
      while ((await fetch(`${replica.url}/readyz`)).status !== 200) {
        if (Date.now() > deadline) throw new Error(`replica ${replica.url} never became ready`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  });
  afterAll(async () => {
    await e2e?.cleanup();
  });

  it('rolls a push out exactly once', async () => {
    const invalidationsBefore = e2e.world.invalidations().length;
    const pushed = await e2e.world.push('actors', '1.1.0');
    // Whichever replica handled it, the world converges…
    await expect
      .poll(async () => (await servedVersion(e2e.world)).digest, { timeout: 20_000, interval: 100 })
      .toBe(pushed.digest);
    const winner = await Promise.any(
      replicas.map((replica) =>
        replica.waitFor('a Succeeded rollout of 1.1.0', (status) =>
          status.services
            .find((s) => s.name === 'actors')
            ?.recentRollouts.find((r) => r.to.digest === pushed.digest && r.result === 'Succeeded'),
        ),
      ),
    );
    // …and a little later nothing more happened: one revision, one invalidation for the rollout.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const revisions = e2e.world
      .taskDefinitions()
      .filter((td) => JSON.stringify(td.containerDefinitions).includes(pushed.digest));
    expect(revisions).toHaveLength(1);
    const invalidations = e2e.world.invalidations().slice(invalidationsBefore);
    expect(invalidations.map((i) => i.callerReference)).toEqual([winner.id]);
  });
});
