// Acceptance 4: kill -9 the deployer in the middle of a rollout and start a new one: it converges,
// with exactly one task definition revision for the rollout, one invalidation, and no lost event.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeployerProcess } from '../../support/deployer-process.ts';
import { type E2eEnvironment, servedVersion, startE2eEnvironment } from '../../support/e2e-environment.ts';
import { queueDepth } from '../../support/queue-depth.ts';

describe('deployer e2e: kill -9 mid-rollout', () => {
  let e2e: E2eEnvironment;
  let first: DeployerProcess;
  let v100: string;

  beforeAll(async () => {
    // Slow verification (5 probes 300 ms apart) leaves a window to kill the deployer mid-rollout.
    e2e = await startE2eEnvironment({ actors: { verifySuccesses: 5, verifyIntervalSeconds: 0.3 } });
    v100 = e2e.world.registry.resolveImageReference('actors:1.0.0').digest ?? '';
    first = await e2e.startDeployer();
    await first.waitFor('actors Synced on 1.0.0', (status) =>
      status.services.find((s) => s.sync.state === 'Synced' && s.live?.digest === v100),
    );
  });
  afterAll(async () => {
    await e2e?.cleanup();
  });

  it('converges after a restart with one revision and one invalidation for the rollout', async () => {
    const pushed = await e2e.world.push('actors', '1.1.0');
    const rollout = await first.waitFor(
      'a rollout of 1.1.0 waiting or verifying',
      (status) => {
        const current = status.services.find((s) => s.name === 'actors')?.currentRollout;
        return current &&
          current.to.digest === pushed.digest &&
          ['Waiting', 'Verifying'].includes(current.step)
          ? current
          : undefined;
      },
      15_000,
    );
    await first.stop('SIGKILL');
    expect(first.child.signalCode).toBe('SIGKILL');

    const second = await e2e.startDeployer();
    const actors = await second.waitFor(
      'actors Synced on 1.1.0 after the restart',
      (status) =>
        status.services.find(
          (s) => s.name === 'actors' && s.sync.state === 'Synced' && s.live?.digest === pushed.digest,
        ),
      20_000,
    );
    expect(actors.desired?.digest).toBe(pushed.digest);
    expect((await servedVersion(e2e.world)).digest).toBe(pushed.digest);

    const revisions = e2e.world
      .taskDefinitions()
      .filter((td) => JSON.stringify(td.containerDefinitions).includes(pushed.digest));
    expect(revisions).toHaveLength(1);
    const invalidations = e2e.world.invalidations().filter((i) => i.callerReference === rollout.id);
    expect(invalidations).toHaveLength(1);

    // No lost event: the queue drains (nothing visible, nothing in flight) once the work is done.
    await expect
      .poll(() => queueDepth(e2e), { timeout: 10_000, interval: 100 })
      .toEqual({ visible: 0, inFlight: 0 });
  });
});
