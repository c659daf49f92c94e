// Principle 1 (level-triggered): a reordered GitHub delivery (an older push arriving after a newer
// one) must not roll the service back to the older commit's config. Events say "look now".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeployerStatus } from '../../../deployer/contract/status-model.ts';
import type { DeployerProcess } from '../../support/deployer-process.ts';
import {
  ACTORS_FILE,
  E2E_SECRET,
  type E2eEnvironment,
  startE2eEnvironment,
} from '../../support/e2e-environment.ts';
import { githubDelivery, pushPayload } from '../../support/github-webhook.ts';

describe('deployer e2e: reordered push deliveries', () => {
  let e2e: E2eEnvironment;
  let deployer: DeployerProcess;
  let unpinned: string;
  let v110: string;
  let after: DeployerStatus;

  // Everything but the verdict happens here; the test below only judges the resulting status.
  beforeAll(async () => {
    e2e = await startE2eEnvironment();
    v110 = (await e2e.world.push('actors', '1.1.0')).digest;
    deployer = await e2e.startDeployer();
    await deployer.waitFor('actors on 1.1.0', (status) =>
      status.services.find((s) => s.sync.state === 'Synced' && s.live?.digest === v110),
    );
    const base = await e2e.repo.git('rev-parse', 'HEAD');
    const pinned = await e2e.repo.commit({ [ACTORS_FILE]: e2e.actorsYaml({ pin: '1.0.0' }) }, 'pin 1.0.0');
    unpinned = await e2e.repo.commit({ [ACTORS_FILE]: e2e.actorsYaml({ semver: '^1.0.0' }) }, 'unpin');

    // GitHub delivers the newer push first and the older one second.
    const newer = pushPayload({ before: pinned, after: unpinned, files: [ACTORS_FILE] });
    const older = pushPayload({ before: base, after: pinned, files: [ACTORS_FILE] });
    const first = await deployer.webhook(githubDelivery(E2E_SECRET, 'push', newer, { deliveryId: 'newer' }));
    if (first.status !== 202) throw new Error(`newer delivery answered ${first.status}`);
    await waitForEvents(deployer, 1);
    const second = await deployer.webhook(githubDelivery(E2E_SECRET, 'push', older, { deliveryId: 'older' }));
    if (second.status !== 202) throw new Error(`older delivery answered ${second.status}`);
    await waitForEvents(deployer, 2);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    after = await deployer.status();
  });
  afterAll(async () => {
    await e2e?.cleanup();
  });

  // Fixed in deployer/runtime/intake.ts: a push makes intake read the tracked branch head, never the
  // delivery's `after`, so every push is a pure "look now" hint.
  it('an older push delivered last does not bring back the older config', () => {
    expect(after.config.revision).toBe(unpinned);
    const actors = after.services.find((s) => s.name === 'actors');
    expect(actors?.desired?.policy).toMatchObject({ semver: '^1.0.0' });
    expect(actors?.live?.digest).toBe(v110);
  });
});

async function waitForEvents(deployer: DeployerProcess, count: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while ((await deployer.eventCount('github')) < count) {
    if (Date.now() > deadline) throw new Error(`the deployer did not receive ${count} github events`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
