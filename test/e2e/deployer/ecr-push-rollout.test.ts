// Acceptance 1: an ECR push of actors 1.1.0 under a semver policy is rolled out, verified through the
// load balancer, the CDN invalidated, and the status Synced, with the deployer as a real process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeployerProcess } from '../../support/deployer-process.ts';
import { type E2eEnvironment, servedVersion, startE2eEnvironment } from '../../support/e2e-environment.ts';

describe('deployer e2e: ECR push under a semver policy', () => {
  let e2e: E2eEnvironment;
  let deployer: DeployerProcess;

  beforeAll(async () => {
    e2e = await startE2eEnvironment();
    deployer = await e2e.startDeployer();
  });
  afterAll(async () => {
    await e2e?.cleanup();
  });

  it('starts Synced on the seeded 1.0.0 and reports ready', async () => {
    const seeded = e2e.world.registry.resolveImageReference('actors:1.0.0').digest;
    await deployer.waitFor('actors Synced on 1.0.0', (status) =>
      status.services.find(
        (s) => s.name === 'actors' && s.sync.state === 'Synced' && s.live?.digest === seeded,
      ),
    );
    const ready = await fetch(`${deployer.url}/readyz`);
    expect(ready.status).toBe(200);
  });

  it('rolls out 1.1.0 after the push: /version reports its digest, one invalidation, Synced', async () => {
    const before = e2e.world.invalidations().length;
    const pushed = await e2e.world.push('actors', '1.1.0');
    const actors = await deployer.waitFor('actors Synced on 1.1.0', (status) =>
      status.services.find(
        (s) => s.name === 'actors' && s.sync.state === 'Synced' && s.live?.digest === pushed.digest,
      ),
    );
    expect(actors.desired).toMatchObject({ digest: pushed.digest, tag: '1.1.0' });
    expect(actors.recentRollouts[0]).toMatchObject({
      result: 'Succeeded',
      to: { digest: pushed.digest },
    });
    expect((await servedVersion(e2e.world)).digest).toBe(pushed.digest);
    const invalidations = e2e.world.invalidations().slice(before);
    expect(invalidations).toHaveLength(1);
    expect(invalidations[0]).toMatchObject({
      distributionId: 'ELOCALACTORS',
      callerReference: actors.recentRollouts[0]?.id,
    });

    const metrics = await deployer.metrics();
    expect(metrics).toMatch(/ecs_gitops_rollouts_total\{service="actors",result="Succeeded"\} 1/);
    expect(metrics).toMatch(/ecs_gitops_events_total\{source="ecr"\} [1-9]/);
  });

  it('stops cleanly on SIGTERM with exit code 0', async () => {
    expect(await deployer.stop('SIGTERM')).toBe(0);
    expect(deployer.logs().some((line) => line.msg === 'deployer stopped')).toBe(true);
  });
});
