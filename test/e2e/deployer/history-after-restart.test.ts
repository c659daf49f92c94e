// Issue 16 item 5: a signed GitHub push's commit author and message are recorded on the revision its
// rollout registers (ECS tags, not memory): after the deployer restarts, `ecs-gitops history` still
// names them. Real git repository, real webhook, the local world's ECS, the CLI as a process.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceHistory } from '../../../deployer/contract/history-model.ts';
import type { DeployerProcess } from '../../support/deployer-process.ts';
import { ACTORS_FILE, type E2eEnvironment, startE2eEnvironment } from '../../support/e2e-environment.ts';
import { pushPayload } from '../../support/github-webhook.ts';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../../..');
const REPOSITORY = 'example/ecs-gitops-config';

describe('deployer e2e: history survives a restart', { timeout: 60_000 }, () => {
  let e2e: E2eEnvironment;
  let deployer: DeployerProcess;
  let sha: string;
  let v100: string;

  beforeAll(async () => {
    e2e = await startE2eEnvironment();
    v100 = e2e.world.registry.resolveImageReference('actors:1.0.0').digest ?? '';
    await e2e.world.push('actors', '1.1.0');
    deployer = await e2e.startDeployer();
    await deployer.waitFor('actors Synced', (s) => s.services.find((x) => x.sync.state === 'Synced'));
  });
  afterAll(async () => {
    await e2e?.cleanup();
  });

  it('a pushed commit pinning 1.0.0 records its author, and history names them after a restart', async () => {
    const before = await e2e.repo.git('rev-parse', 'HEAD');
    sha = await e2e.repo.commit({ [ACTORS_FILE]: e2e.actorsYaml({ pin: '1.0.0' }) }, 'pin actors to 1.0.0');
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
