// Deployer restarts over one local world and one git config repository (each scenario was a file of
// its own with its own world and deployer; issue 14):
// - issue 16 item 5: a signed GitHub push's commit author and message are recorded on the revision its
//   rollout registers (ECS tags, not memory): after the deployer restarts, `ecs-gitops history` still
//   names them. Real git repository, real webhook, the local world's ECS, the CLI in-process over the
//   deployer's real HTTP (the spawned entry is test/integration/cli/'s);
// - gates: approval: manual holds a new digest until `approve` (and a newer digest needs a new
//   approval), a rejection blocks its digest across a restart, a deny window computed from now holds a
//   rollout, and sync --override-window starts it (logged with the token's name).
// One restart serves both (a deployer start costs ~2.6 CPU-s): the signed push is rolled out first,
// the gates' rejection restarts the deployer (SIGTERM, exit 0), and the history is read at the end
// from the deployer started after it.
// Acceptance 4 (kill -9 mid-rollout, then a new deployer converges with one revision and one
// invalidation for the rollout, no event lost) is test/resilience/chaos-kill.test.ts's: the same
// spawned deployer killed in Waiting and in Verifying (held there until the kill lands), right after
// the push and at a random moment, each converging to the pushed image, served at the load balancer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceHistory } from '../../../deployer/contract/history-model.ts';
import { runCliInProcess } from '../../support/cli-in-process.ts';
import { type DeployerProcess, syncedOn } from '../../support/deployer-process.ts';
import {
  ACTORS_FILE,
  type E2eEnvironment,
  servedVersion,
  startE2eEnvironment,
} from '../../support/e2e-environment.ts';
import { pushPayload } from '../../support/github-webhook.ts';
import { queueDepth } from '../../support/queue-depth.ts';

const REPOSITORY = 'example/ecs-gitops-config';

describe('deployer e2e: restarts', { timeout: 60_000 }, () => {
  let e2e: E2eEnvironment;
  /** The deployer running now (each scenario replaces it). */
  let deployer: DeployerProcess;
  let v100: string;
  /** The signed push's commit whose author the history must still name after a restart. */
  let historySha = '';
  /** Restarts so far: the history is read from a deployer started after the signed push's rollout. */
  let restarts = 0;

  beforeAll(async () => {
    e2e = await startE2eEnvironment({ workload: 'echo' });
    v100 = e2e.world.registry.resolveImageReference('actors:1.0.0').digest ?? '';
    // 1.1.0 is in the registry before the deployer starts: its first resync rolls it out, so the
    // history scenario's pin to 1.0.0 is a rollout of its own.
    const v110 = (await e2e.world.push('actors', '1.1.0')).digest;
    deployer = await e2e.startDeployer();
    await deployer.waitFor('actors Synced on 1.1.0', syncedOn('actors', v110));
    // The startup resync and the push's event each queued a reconcile of actors: the one that did not
    // roll 1.1.0 out must be done too before the history scenario commits its pin. Left queued (load
    // 21), it ran after the pin commit and rolled 1.0.0 out itself, recording its own trigger
    // (startup) on the revision instead of the signed push's.
    const deadline = Date.now() + 30_000;
    for (
      let depth = await queueDepth(e2e);
      depth.visible + depth.inFlight > 0;
      depth = await queueDepth(e2e)
    ) {
      if (Date.now() > deadline) throw new Error(`the intake queue did not drain: ${JSON.stringify(depth)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });
  afterAll(async () => {
    await e2e?.cleanup();
  });

  describe('history survives a restart (issue 16 item 5): the rollout of a signed push', () => {
    it('a pushed commit pinning 1.0.0 rolls actors back to 1.0.0 (the restart and the history are checked after the gates)', async () => {
      const before = await e2e.repo.git('rev-parse', 'HEAD');
      historySha = await e2e.repo.commit(
        { [ACTORS_FILE]: e2e.actorsYaml({ pin: '1.0.0' }) },
        'pin actors to 1.0.0',
      );
      const payload = pushPayload({
        before,
        after: historySha,
        repository: REPOSITORY,
        files: [ACTORS_FILE],
      });
      const head = {
        ...(payload.head_commit as object),
        author: { name: 'Grace Hopper', email: 'g@example.invalid' },
        message: 'pin actors to 1.0.0\n\nthe 1.1.0 release leaks',
      };
      const answer = await deployer.signedPush(
        'push',
        { ...payload, head_commit: head, commits: [head] },
        'hist-1',
      );
      expect(answer.status).toBe(202);
      await deployer.waitFor('actors on 1.0.0', (s) =>
        s.services.find((x) => x.sync.state === 'Synced' && x.live?.digest === v100),
      );
    });
  });

  describe('approval and sync windows (gates)', () => {
    let v120: string;

    const post = (path: string, body?: unknown) => deployer.post(path, body);
    const api = (action: string, body?: unknown) => post(`/api/services/actors/${action}`, body);
    const held = (reason: string, digest: string) =>
      deployer.waitFor(`actors held at ${reason} for ${digest.slice(0, 19)}`, (status) =>
        status.services.find((s) => s.gate?.reason === reason && s.gate.digest === digest),
      );
    const settledOn = (digest: string, what: string) => deployer.waitFor(what, syncedOn('actors', digest));
    /** The refresh's outcome: `unchanged` when the push's ECR event read the config head (this commit) first. */
    const refreshed = async () => (await post('/api/config/refresh')).body.outcome;

    // From the history scenario: actors pinned to 1.0.0 (live), 1.1.0 rolled out once before. The
    // commit that lifts the pin asks for manual approval; 1.2.0, never deployed, is what it would roll out.
    beforeAll(async () => {
      v120 = (await e2e.world.push('actors', '1.2.0')).digest;
      await e2e.repo.commit({ [ACTORS_FILE]: `${e2e.actorsYaml()}approval: manual\n` }, 'approval: manual');
      expect(['applied', 'unchanged']).toContain(await refreshed());
    });

    it('holds a new digest at PendingApproval and leaves the live one serving', async () => {
      const actors = await held('PendingApproval', v120);
      expect(actors.sync).toMatchObject({ state: 'OutOfSync', reason: 'PendingApproval' });
      expect(actors.live?.digest).toBe(v100);
      expect(e2e.world.taskDefinitions().some((td) => JSON.stringify(td).includes(v120))).toBe(false);
      expect((await servedVersion(e2e.world)).digest).toBe(v100);
    });

    it('approve rolls the held digest out to completion', async () => {
      const answer = await api('approve');
      expect(answer).toMatchObject({ status: 202, body: { action: 'approve', digest: v120 } });
      const actors = await settledOn(v120, 'actors Synced on 1.2.0');
      expect(actors.gate).toBeUndefined();
      await e2e.world.waitForRollout('actors', 10_000);
      expect((await servedVersion(e2e.world)).digest).toBe(v120);
    });

    it('a newer digest needs a new approval; reject blocks it, also after a restart', async () => {
      const v130 = (await e2e.world.push('actors', '1.3.0')).digest;
      await held('PendingApproval', v130);
      expect(await api('reject')).toMatchObject({ status: 202, body: { action: 'reject', digest: v130 } });
      const rejected = await deployer.waitFor('actors Rejected', (status) =>
        status.services.find((s) => s.sync.reason === 'Rejected'),
      );
      expect(rejected.sync.state).toBe('Failed');
      expect(rejected.live?.digest).toBe(v120);

      // One restart for two claims: the rejection, and the signed push's history (read at the end).
      expect(await deployer.stop('SIGTERM')).toBe(0);
      deployer = await e2e.startDeployer();
      restarts += 1;
      const again = await deployer.waitFor('actors Rejected after a restart', (status) =>
        status.services.find((s) => s.sync.reason === 'Rejected' && s.lastReconciledAt !== null),
      );
      expect(again.live?.digest).toBe(v120);
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
      expect(['applied', 'unchanged']).toContain(await refreshed());
      const v140 = (await e2e.world.push('actors', '1.4.0')).digest;
      const actors = await held('OutsideWindow', v140);
      expect(actors.sync.state).toBe('OutOfSync');
      // It opens when the 2 h freeze ends (the schedule started at this minute).
      const opensAt = Date.parse(actors.gate?.opensAt ?? '');
      const expected = Math.floor(now.getTime() / 60_000) * 60_000 + 2 * 3_600_000;
      expect(opensAt).toBe(expected);

      expect((await api('sync')).status).toBe(202);
      await deployer.waitFor('a plain sync leaves it held', (status) =>
        status.services.find(
          (s) => s.gate?.digest === v140 && s.lastReconciledAt !== actors.lastReconciledAt,
        ),
      );
      expect((await deployer.service('actors')).live?.digest).toBe(v120);

      expect(await api('sync', { overrideWindow: true })).toMatchObject({
        status: 202,
        body: { overrideWindow: true },
      });
      await settledOn(v140, 'actors Synced on 1.4.0 despite the window');
      const overridden = deployer
        .logs()
        .find(
          (line) => line.msg === 'rollout started outside its sync window: manual sync --override-window',
        );
      expect(overridden).toMatchObject({ service: 'actors', digest: v140, by: 'status-token' });
    });
  });

  describe('history survives a restart (issue 16 item 5): after the restart', () => {
    it('history still names the pushed commit, its author and message (ECS tags, not memory)', async () => {
      expect(restarts).toBeGreaterThan(0);
      // The CLI in-process over the restarted deployer's real HTTP (the spawned entry has tests of its
      // own, test/integration/cli/).
      const env = {
        ECS_GITOPS_URL: deployer.url,
        ECS_GITOPS_TOKEN: e2e.deployerEnv().STATUS_TOKEN ?? '',
      };
      const json = await runCliInProcess(['history', 'actors', '--json'], { env });
      expect(json.code, json.stderr).toBe(0);
      const history = JSON.parse(json.stdout) as ServiceHistory;
      // The gates rolled 1.2.0 and then 1.4.0 out since: the pinned 1.0.0 is no longer the live one.
      const live = (await deployer.service('actors')).live?.digest;
      expect(history.revisions[0]).toMatchObject({ live: true, digest: live });
      expect(history.revisions.find((r) => r.configRevision === historySha)).toMatchObject({
        live: false,
        digest: v100,
        result: 'Succeeded',
        configRevision: historySha,
        trigger: {
          kind: 'git-push',
          commit: historySha,
          author: 'Grace Hopper',
          message: 'pin actors to 1.0.0',
        },
      });
      const table = await runCliInProcess(['history', 'actors'], { env: { ...env, NO_COLOR: '1' } });
      expect(table.code, table.stderr).toBe(0);
      expect(table.stdout).toContain(
        `git push ${historySha.slice(0, 12)} by Grace Hopper: "pin actors to 1.0.0"`,
      );
    });
  });
});
