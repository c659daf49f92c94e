// Acceptance 2: a signed GitHub push whose commit pins 1.0.0 rolls actors back to 1.0.0; newer images
// are ignored while pinned; a commit removing the pin resumes tracking. Real git repo, real webhooks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeployerProcess } from '../../support/deployer-process.ts';
import {
  ACTORS_FILE,
  type E2eEnvironment,
  servedVersion,
  startE2eEnvironment,
} from '../../support/e2e-environment.ts';
import { pushPayload } from '../../support/github-webhook.ts';

const REPOSITORY = 'example/ecs-gitops-config';

describe('deployer e2e: pin and unpin through git pushes', () => {
  let e2e: E2eEnvironment;
  let deployer: DeployerProcess;
  let v100: string;
  let v110: string;

  const liveDigest = (digest: string, what: string) =>
    deployer.waitFor(what, (status) =>
      status.services.find(
        (s) => s.name === 'actors' && s.sync.state === 'Synced' && s.live?.digest === digest,
      ),
    );
  const commitAndNotify = async (yaml: string, message: string, deliveryId: string) => {
    const before = await e2e.repo.git('rev-parse', 'HEAD');
    const after = await e2e.repo.commit({ [ACTORS_FILE]: yaml }, message);
    const answer = await deployer.signedPush(
      'push',
      pushPayload({ before, after, repository: REPOSITORY, files: [ACTORS_FILE] }),
      deliveryId,
    );
    expect(answer).toEqual({ status: 202, body: { queued: true, deliveryId } });
    return after;
  };

  beforeAll(async () => {
    e2e = await startE2eEnvironment();
    v100 = e2e.world.registry.resolveImageReference('actors:1.0.0').digest ?? '';
    // 1.1.0 exists before the deployer starts: tracking ^1.0.0 rolls it out at startup.
    v110 = (await e2e.world.push('actors', '1.1.0')).digest;
    deployer = await e2e.startDeployer();
    await liveDigest(v110, 'actors on 1.1.0 (tracking ^1.0.0)');
  });
  afterAll(async () => {
    await e2e?.cleanup();
  });

  it('a pushed commit pinning 1.0.0 rolls actors back to 1.0.0', async () => {
    const sha = await commitAndNotify(e2e.actorsYaml({ pin: '1.0.0' }), 'pin actors to 1.0.0', 'pin-1');
    const actors = await liveDigest(v100, 'actors back on 1.0.0');
    expect(actors.desired).toMatchObject({ digest: v100, policy: { pin: '1.0.0' } });
    expect(actors.recentRollouts[0]).toMatchObject({ result: 'Succeeded', configRevision: sha });
    const status = await deployer.status();
    expect(status.config).toMatchObject({ revision: sha, lastAppliedRevision: sha, errors: [] });
    expect((await servedVersion(e2e.world)).digest).toBe(v100);
  });

  it('a newer image is ignored while pinned', async () => {
    const seen = await deployer.eventCount('ecr');
    const pushed = await e2e.world.push('actors', '1.2.0');
    // The push event is received and handled…
    await expect
      .poll(() => deployer.eventCount('ecr'), { timeout: 10_000, interval: 50 })
      .toBeGreaterThan(seen);
    await new Promise((resolve) => setTimeout(resolve, 500));
    // …but nothing is registered for 1.2.0 and actors stays on 1.0.0.
    expect(e2e.world.taskDefinitions().some((td) => JSON.stringify(td).includes(pushed.digest))).toBe(false);
    const actors = await deployer.service('actors');
    expect(actors).toMatchObject({
      live: { digest: v100 },
      desired: { digest: v100 },
      sync: { state: 'Synced' },
    });
  });

  it('a pushed commit removing the pin resumes tracking (1.2.0)', async () => {
    const v120 = e2e.world.registry.resolveImageReference('actors:1.2.0').digest ?? '';
    await commitAndNotify(e2e.actorsYaml({ semver: '^1.0.0' }), 'track ^1.0.0 again', 'unpin-1');
    const actors = await liveDigest(v120, 'actors on 1.2.0 after unpinning');
    expect(actors.desired).toMatchObject({ tag: '1.2.0', policy: { semver: '^1.0.0' } });
    expect((await servedVersion(e2e.world)).digest).toBe(v120);
  });
});
