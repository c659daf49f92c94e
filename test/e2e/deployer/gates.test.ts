// Gates through the real process in the local world: approval: manual holds a new digest until
// `approve` (and a newer digest needs a new approval), a rejection blocks its digest across a restart,
// a deny window computed from now holds a rollout, and sync --override-window starts it (logged with
// the token's name).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeployerProcess } from '../../support/deployer-process.ts';
import {
  ACTORS_FILE,
  type E2eEnvironment,
  servedVersion,
  startE2eEnvironment,
} from '../../support/e2e-environment.ts';

describe('deployer e2e: approval and sync windows', { timeout: 60_000 }, () => {
  let e2e: E2eEnvironment;
  let deployer: DeployerProcess;
  let v100: string;
  let v110: string;

  const post = (path: string, body?: unknown) => deployer.post(path, body);
  const api = (action: string, body?: unknown) => post(`/api/services/actors/${action}`, body);
  const held = (reason: string, digest: string) =>
    deployer.waitFor(`actors held at ${reason} for ${digest.slice(0, 19)}`, (status) =>
      status.services.find((s) => s.gate?.reason === reason && s.gate.digest === digest),
    );
  const syncedOn = (digest: string, what: string) =>
    deployer.waitFor(what, (status) =>
      status.services.find(
        (s) => s.sync.state === 'Synced' && s.live?.digest === digest && s.currentRollout === null,
      ),
    );

  beforeAll(async () => {
    e2e = await startE2eEnvironment();
    await e2e.repo.commit({ [ACTORS_FILE]: `${e2e.actorsYaml()}approval: manual\n` }, 'approval: manual');
    v100 = e2e.world.registry.resolveImageReference('actors:1.0.0').digest ?? '';
    v110 = (await e2e.world.push('actors', '1.1.0')).digest;
    deployer = await e2e.startDeployer();
  });
  afterAll(async () => {
    await e2e?.cleanup();
  });

  it('holds a new digest at PendingApproval and leaves the live one serving', async () => {
    const actors = await held('PendingApproval', v110);
    expect(actors.sync).toMatchObject({ state: 'OutOfSync', reason: 'PendingApproval' });
    expect(actors.live?.digest).toBe(v100);
    expect(e2e.world.taskDefinitions().some((td) => JSON.stringify(td).includes(v110))).toBe(false);
    expect((await servedVersion(e2e.world)).digest).toBe(v100);
  });

  it('approve rolls the held digest out to completion', async () => {
    const answer = await api('approve');
    expect(answer).toMatchObject({ status: 202, body: { action: 'approve', digest: v110 } });
    const actors = await syncedOn(v110, 'actors Synced on 1.1.0');
    expect(actors.gate).toBeUndefined();
    await e2e.world.waitForRollout('actors', 10_000);
    expect((await servedVersion(e2e.world)).digest).toBe(v110);
  });

  it('a newer digest needs a new approval; reject blocks it, also after a restart', async () => {
    const v120 = (await e2e.world.push('actors', '1.2.0')).digest;
    await held('PendingApproval', v120);
    expect(await api('reject')).toMatchObject({ status: 202, body: { action: 'reject', digest: v120 } });
    const rejected = await deployer.waitFor('actors Rejected', (status) =>
      status.services.find((s) => s.sync.reason === 'Rejected'),
    );
    expect(rejected.sync.state).toBe('Failed');
    expect(rejected.live?.digest).toBe(v110);

    await deployer.stop('SIGTERM');
    deployer = await e2e.startDeployer();
    const again = await deployer.waitFor('actors Rejected after a restart', (status) =>
      status.services.find((s) => s.sync.reason === 'Rejected' && s.lastReconciledAt !== null),
    );
    expect(again.live?.digest).toBe(v110);
    // Nothing held any more: approving again says so.
    expect(await api('approve')).toMatchObject({
      status: 409,
      body: { error: { code: 'NOTHING_TO_APPROVE' } },
    });
  });

  it('a deny window holds a rollout; sync --override-window starts it and the log names the token', async () => {
    const now = new Date();
    const window = `windows:\n  - { kind: deny, schedule: "${now.getUTCMinutes()} ${now.getUTCHours()} * * *", duration: 2h }\n`;
    await e2e.repo.commit({ [ACTORS_FILE]: `${e2e.actorsYaml()}${window}` }, 'a freeze from now');
    expect((await post('/api/config/refresh')).body).toMatchObject({ outcome: 'applied' });
    const v130 = (await e2e.world.push('actors', '1.3.0')).digest;
    const actors = await held('OutsideWindow', v130);
    expect(actors.sync.state).toBe('OutOfSync');
    // It opens when the 2 h freeze ends (the schedule started at this minute).
    const opensAt = Date.parse(actors.gate?.opensAt ?? '');
    const expected = Math.floor(now.getTime() / 60_000) * 60_000 + 2 * 3_600_000;
    expect(opensAt).toBe(expected);

    expect((await api('sync')).status).toBe(202);
    await deployer.waitFor('a plain sync leaves it held', (status) =>
      status.services.find((s) => s.gate?.digest === v130 && s.lastReconciledAt !== actors.lastReconciledAt),
    );
    expect((await deployer.service('actors')).live?.digest).toBe(v110);

    expect(await api('sync', { overrideWindow: true })).toMatchObject({
      status: 202,
      body: { overrideWindow: true },
    });
    await syncedOn(v130, 'actors Synced on 1.3.0 despite the window');
    const overridden = deployer
      .logs()
      .find((line) => line.msg === 'rollout started outside its sync window: manual sync --override-window');
    expect(overridden).toMatchObject({ service: 'actors', digest: v130, by: 'status-token' });
  });
});
