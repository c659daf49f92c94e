// Acceptance 3: a broken image fails in ECS, is rolled back automatically, the status says Failed with
// the reason, no invalidation is created, and periodic resyncs do not retry the failed digest.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeployerProcess } from '../../support/deployer-process.ts';
import { type E2eEnvironment, servedVersion, startE2eEnvironment } from '../../support/e2e-environment.ts';

describe('deployer e2e: broken image', () => {
  let e2e: E2eEnvironment;
  let deployer: DeployerProcess;
  let v100: string;

  beforeAll(async () => {
    e2e = await startE2eEnvironment();
    v100 = e2e.world.registry.resolveImageReference('actors:1.0.0').digest ?? '';
    // Resync every second, so "not retried in a loop" is observable within the test.
    deployer = await e2e.startDeployer({ RESYNC_INTERVAL_SECONDS: '1' });
    await deployer.waitFor('actors Synced on 1.0.0', (status) =>
      status.services.find((s) => s.sync.state === 'Synced' && s.live?.digest === v100),
    );
  });
  afterAll(async () => {
    await e2e?.cleanup();
  });

  it('rolls back to 1.0.0, reports Failed with the reason, creates no invalidation', async () => {
    const invalidationsBefore = e2e.world.invalidations().length;
    const broken = await e2e.world.push('actors', '1.1.0', { broken: true });
    const actors = await deployer.waitFor('actors Failed after the broken push', (status) =>
      status.services.find(
        (s) => s.sync.state === 'Failed' && s.failedDigests.some((f) => f.digest === broken.digest),
      ),
    );
    // ECS's circuit breaker stops the deployment (or, if the tasks linger, verification times out);
    // later reconciles report the digest as blocked.
    const failure = ['DeploymentFailed', 'VerifyTimeout', 'VerifyWrongVersion'];
    expect([...failure, 'DigestBlocked']).toContain(actors.sync.reason);
    expect(failure).toContain(actors.recentRollouts[0]?.reason);
    expect(actors.sync.message).not.toBe('');
    expect(actors.recentRollouts[0]).toMatchObject({ to: { digest: broken.digest } });
    expect(['Failed', 'RolledBack']).toContain(actors.recentRollouts[0]?.result);

    await deployer.waitFor('actors live on 1.0.0 again', (status) =>
      status.services.find((s) => s.live?.digest === v100 && s.currentRollout === null),
    );
    await e2e.world.waitForRollout('actors', 10_000);
    expect((await servedVersion(e2e.world)).digest).toBe(v100);
    expect(e2e.world.invalidations()).toHaveLength(invalidationsBefore);
  });

  it('does not retry the failed digest on resync', async () => {
    const broken = e2e.world.registry.resolveImageReference('actors:1.1.0').digest ?? '';
    const registrations = () =>
      e2e.world.taskDefinitions().filter((td) => JSON.stringify(td.containerDefinitions).includes(broken))
        .length;
    const resyncs = () => deployer.eventCount('resync');
    const registered = registrations();
    expect(registered).toBe(1);
    const seen = await resyncs();
    // Wait for at least two periodic resyncs to be handled.
    const deadline = Date.now() + 8_000;
    while ((await resyncs()) < seen + 2 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    expect(await resyncs()).toBeGreaterThanOrEqual(seen + 2);
    expect(registrations()).toBe(registered);
    const actors = await deployer.service('actors');
    expect(actors.live?.digest).toBe(v100);
    expect(actors.failedDigests.map((f) => f.digest)).toContain(broken);
  });
});
