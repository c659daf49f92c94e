// Deployer restarts over one local world and one git config repository (each scenario was a file of
// its own with its own world and deployer; issue 14):
// - acceptance 4: kill -9 the deployer in the middle of a rollout and start a new one: it converges,
//   with exactly one task definition revision for the rollout, one invalidation, and no lost event;
// - issue 16 item 5: a signed GitHub push's commit author and message are recorded on the revision its
//   rollout registers (ECS tags, not memory): after the deployer restarts, `ecs-gitops history` still
//   names them. Real git repository, real webhook, the local world's ECS, the CLI as a process.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceHistory } from '../../../deployer/contract/history-model.ts';
import type { DeployerProcess } from '../../support/deployer-process.ts';
import {
  ACTORS_FILE,
  type E2eEnvironment,
  servedVersion,
  startE2eEnvironment,
} from '../../support/e2e-environment.ts';
import { pushPayload } from '../../support/github-webhook.ts';
import { queueDepth } from '../../support/queue-depth.ts';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../../..');
const REPOSITORY = 'example/ecs-gitops-config';

describe('deployer e2e: restarts', { timeout: 60_000 }, () => {
  let e2e: E2eEnvironment;
  /** The deployer running now (each scenario replaces it). */
  let deployer: DeployerProcess;
  let v100: string;

  beforeAll(async () => {
    // Slow verification (5 probes 300 ms apart) leaves a window to kill the deployer mid-rollout.
    e2e = await startE2eEnvironment({ actors: { verifySuccesses: 5, verifyIntervalSeconds: 0.3 } });
    v100 = e2e.world.registry.resolveImageReference('actors:1.0.0').digest ?? '';
    deployer = await e2e.startDeployer();
    await deployer.waitFor('actors Synced on 1.0.0', (status) =>
      status.services.find((s) => s.sync.state === 'Synced' && s.live?.digest === v100),
    );
  });
  afterAll(async () => {
    await e2e?.cleanup();
  });

  describe('kill -9 mid-rollout (acceptance 4)', () => {
    it('converges after a restart with one revision and one invalidation for the rollout', async () => {
      const first = deployer;
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

      deployer = await e2e.startDeployer();
      const actors = await deployer.waitFor(
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

  describe('history survives a restart (issue 16 item 5)', () => {
    it('a pushed commit pinning 1.0.0 records its author, and history names them after a restart', async () => {
      const before = await e2e.repo.git('rev-parse', 'HEAD');
      const sha = await e2e.repo.commit(
        { [ACTORS_FILE]: e2e.actorsYaml({ pin: '1.0.0' }) },
        'pin actors to 1.0.0',
      );
      const payload = pushPayload({ before, after: sha, repository: REPOSITORY, files: [ACTORS_FILE] });
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

      expect(await deployer.stop()).toBe(0);
      deployer = await e2e.startDeployer();
      await deployer.waitFor('ready again', (s) => s.services.find((x) => x.name === 'actors'));

      const env = {
        ...process.env,
        ECS_GITOPS_URL: deployer.url,
        ECS_GITOPS_TOKEN: e2e.deployerEnv().STATUS_TOKEN ?? '',
      };
      const json = await run(process.execPath, ['deployer/cli/main.ts', 'history', 'actors', '--json'], {
        cwd: ROOT,
        env,
      });
      const history = JSON.parse(json.stdout) as ServiceHistory;
      expect(history.revisions[0]).toMatchObject({
        live: true,
        digest: v100,
        result: 'Succeeded',
        configRevision: sha,
        trigger: { kind: 'git-push', commit: sha, author: 'Grace Hopper', message: 'pin actors to 1.0.0' },
      });
      const table = await run(process.execPath, ['deployer/cli/main.ts', 'history', 'actors'], {
        cwd: ROOT,
        env: { ...env, NO_COLOR: '1' },
      });
      expect(table.stdout).toContain(`git push ${sha.slice(0, 12)} by Grace Hopper: "pin actors to 1.0.0"`);
    });
  });
});
