// The manual levers through the real process: rollback by API returns the previous revision and
// suspends tracking (a newer push is not rolled out), resume rolls forward again, suspend blocks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeployerProcess } from '../../support/deployer-process.ts';
import { type E2eEnvironment, servedVersion, startE2eEnvironment } from '../../support/e2e-environment.ts';

describe('deployer e2e: rollback, suspend and resume through the API', () => {
  let e2e: E2eEnvironment;
  let deployer: DeployerProcess;
  let v100: string;
  let v110: string;

  const api = (action: string, body?: unknown) => deployer.post(`/api/services/actors/${action}`, body);
  const live = (digest: string, what: string) =>
    deployer.waitFor(what, (status) =>
      status.services.find((s) => s.live?.digest === digest && s.currentRollout === null),
    );

  beforeAll(async () => {
    e2e = await startE2eEnvironment();
    v100 = e2e.world.registry.resolveImageReference('actors:1.0.0').digest ?? '';
    v110 = (await e2e.world.push('actors', '1.1.0')).digest;
    deployer = await e2e.startDeployer();
    await live(v110, 'actors on 1.1.0');
  });
  afterAll(async () => {
    await e2e?.cleanup();
  });

  it('rollback returns to the previous revision and suspends tracking', async () => {
    const answer = await api('rollback');
    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({ service: 'actors', action: 'rollback', accepted: true });
    const actors = await live(v100, 'actors rolled back to 1.0.0');
    expect(actors.suspended).toBe(true);
    await e2e.world.waitForRollout('actors', 10_000);
    expect((await servedVersion(e2e.world)).digest).toBe(v100);
  });

  it('a newer push is not rolled out while suspended', async () => {
    const seen = await deployer.eventCount('ecr');
    const v120 = (await e2e.world.push('actors', '1.2.0')).digest;
    await expect
      .poll(() => deployer.eventCount('ecr'), { timeout: 10_000, interval: 50 })
      .toBeGreaterThan(seen);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const actors = await deployer.service('actors');
    expect(actors.live?.digest).toBe(v100);
    expect(e2e.world.taskDefinitions().some((td) => JSON.stringify(td).includes(v120))).toBe(false);
  });

  it('resume rolls forward to the newest tracked image', async () => {
    const v120 = e2e.world.registry.resolveImageReference('actors:1.2.0').digest ?? '';
    const answer = await api('resume');
    expect(answer.status).toBe(202);
    const actors = await deployer.waitFor('actors Synced on 1.2.0', (status) =>
      status.services.find((s) => s.sync.state === 'Synced' && s.live?.digest === v120),
    );
    expect(actors.suspended).toBe(false);
  });

  it('rejects a rollback body with unknown fields and a call without the token', async () => {
    expect((await api('rollback', { too: 'actors:1' })).status).toBe(400);
    const anonymous = await fetch(`${deployer.url}/api/services/actors/suspend`, { method: 'POST' });
    expect(anonymous.status).toBe(401);
    expect((await deployer.service('actors')).suspended).toBe(false);
  });
});
