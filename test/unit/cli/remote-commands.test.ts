// The verbs that talk to a running deployer, in-process through runCli against the real HTTP layer
// (buildServer over the fake runtime) listening on 127.0.0.1:0.
import { describe, expect, it } from 'vitest';
import { REMOTE_COMMANDS } from '../../../deployer/cli/commands/remote-commands.ts';
import type { DeployerStatus } from '../../../deployer/contract/status-model.ts';
import { runCliInProcess, useFakeDeployer } from '../../support/cli-in-process.ts';
import {
  FAKE_DIGEST_V1,
  FAKE_DIGEST_V2,
  fakeDeployerStatus,
  fakeServiceStatus,
} from '../../support/fake-runtime.ts';
import { TEST_TOKEN } from '../../support/test-server.ts';

const deployer = useFakeDeployer();

const cli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  runCliInProcess(args, { env: { ECS_GITOPS_URL: deployer.url, ...env }, commands: REMOTE_COMMANDS });

const outOfSync = (): DeployerStatus =>
  fakeDeployerStatus({
    services: [
      fakeServiceStatus('actors', {
        desired: {
          image: `repo/actors@${FAKE_DIGEST_V2}`,
          digest: FAKE_DIGEST_V2,
          tag: '1.1.0',
          reason: 'highest match for ^1.0.0',
          policy: { semver: '^1.0.0' },
        },
        sync: { state: 'Progressing', reason: 'RolloutStarted', message: 'rolling out 1.1.0', since: 'x' },
        currentRollout: {
          id: 'ro-1',
          step: 'Waiting',
          startedAt: '2026-01-01T00:00:00.000Z',
          from: { image: `repo/actors@${FAKE_DIGEST_V1}`, digest: FAKE_DIGEST_V1, tag: '1.0.0' },
          to: { image: `repo/actors@${FAKE_DIGEST_V2}`, digest: FAKE_DIGEST_V2, tag: '1.1.0' },
        },
      }),
      fakeServiceStatus('billing'),
    ],
  });

describe('status', () => {
  it('prints an aligned table with SERVICE, STATE, HEALTH, DESIRED, LIVE, STEP, LAST ROLLOUT', async () => {
    deployer.runtime.setStatus(outOfSync());
    const { code, stdout } = await cli(['status']);
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toMatch(/^SERVICE +STATE +HEALTH +DESIRED +LIVE +STEP +LAST ROLLOUT$/);
    const columnStart = (title: string) => lines[0]!.indexOf(title);
    const actors = lines.find((l) => l.startsWith('actors'))!;
    expect(actors.slice(columnStart('STATE')).startsWith('Progressing')).toBe(true);
    expect(actors.slice(columnStart('DESIRED')).startsWith('1.1.0@222222222222')).toBe(true);
    expect(actors.slice(columnStart('LIVE')).startsWith('1.0.0@111111111111')).toBe(true);
    expect(actors.slice(columnStart('STEP')).startsWith('Waiting')).toBe(true);
    const billing = lines.find((l) => l.startsWith('billing'))!;
    expect(billing.slice(columnStart('STATE')).startsWith('Synced')).toBe(true);
    expect(stdout).toContain('queue 0 waiting, 0 in flight');
  });

  it('--json prints the status JSON unchanged', async () => {
    const { code, stdout } = await cli(['status', '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual(deployer.runtime.status());
  });

  it('shows one service in detail', async () => {
    deployer.runtime.setStatus(outOfSync());
    const { code, stdout } = await cli(['status', 'actors']);
    expect(code).toBe(0);
    expect(stdout).toContain('Service:   actors');
    expect(stdout).toContain('State:     Progressing (RolloutStarted)');
    expect(stdout).toContain('Rollout:   ro-1 1.0.0@111111111111 -> 1.1.0@222222222222, step Waiting');
  });

  it('exits 1 naming the problem for an unknown service, and the services there are', async () => {
    const { code, stderr } = await cli(['status', 'nope']);
    expect(code).toBe(1);
    expect(stderr).toBe(
      'ecs-gitops status: no service named "nope" in the deployer\'s config; it has "actors" (npx ecs-gitops status lists them)\n',
    );
  });

  it('says the config was rejected when no config is in force, instead of blaming the name', async () => {
    deployer.runtime.setStatus(
      fakeDeployerStatus({
        config: {
          revision: null,
          lastAppliedRevision: null,
          lastAttemptedRevision: 'def456',
          headRevision: 'def456',
          readAt: null,
          errors: [
            {
              file: 'actors.yaml',
              line: 3,
              column: 5,
              field: 'image.pin',
              message: 'pin must be tag@sha256:digest',
            },
            { file: 'billing.yaml', line: 1, column: 1, field: '', message: 'not YAML' },
          ],
        },
        services: [],
      }),
    );
    const { code, stderr } = await cli(['status', 'actors']);
    expect(code).toBe(1);
    expect(stderr).toBe(
      'ecs-gitops status: no service named "actors": the deployer has no config in force, the newest config ' +
        'revision def456 was rejected (actors.yaml:3: pin must be tag@sha256:digest, and 1 more); fix it ' +
        '(npx ecs-gitops validate lists every error) and services it declares appear once it is applied\n',
    );
  });

  it('notes a rejected newer revision beside the names it knows (the service may be new in it)', async () => {
    const status = fakeDeployerStatus();
    status.config.lastAttemptedRevision = 'def456';
    status.config.errors = [
      { file: 'billing.yaml', line: 2, column: 1, field: 'x', message: 'unknown field x' },
    ];
    deployer.runtime.setStatus(status);
    const { code, stderr } = await cli(['status', 'billing']);
    expect(code).toBe(1);
    expect(stderr).toContain('no service named "billing" in the deployer\'s config; it has "actors"');
    expect(stderr).toContain(
      'note: the newest config revision def456 was rejected (billing.yaml:2: unknown field x)',
    );
  });

  it.each([
    ['status', 'actor'],
    ['status', 'Actors'],
    ['sync', 'actros'],
  ])('%s %s: did you mean "actors"?', async (verb, name) => {
    const { code, stderr } = await cli([verb, name], { ECS_GITOPS_TOKEN: TEST_TOKEN });
    expect(code).toBe(1);
    expect(stderr).toContain(`no service named "${name}" in the deployer's config; did you mean "actors"?`);
    expect(deployer.runtime.calls).toEqual([]);
  });

  it('strips terminal control characters from names and reasons', async () => {
    deployer.runtime.setStatus(fakeDeployerStatus({ services: [fakeServiceStatus('evil\u001b[2Jname')] }));
    const { stdout } = await cli(['status']);
    expect(stdout).not.toContain('\u001b');
    expect(stdout).toContain('evil [2Jname');
  });

  it('lists rejected config errors under the table', async () => {
    deployer.runtime.setStatus(
      fakeDeployerStatus({
        config: {
          revision: 'abc123',
          lastAppliedRevision: 'abc123',
          headRevision: null,
          readAt: null,
          lastAttemptedRevision: 'def456',
          errors: [
            { file: 'services/actors.yaml', line: 4, column: 3, field: 'image.pin', message: 'bad pin' },
          ],
        },
      }),
    );
    const { stdout } = await cli(['status']);
    expect(stdout).toContain('Running last good revision abc123; HEAD def456 is invalid:');
    expect(stdout).toContain('  services/actors.yaml:4:3 image.pin: bad pin');
  });
});

describe('diff', () => {
  it('exits 0 when every service runs its desired digest', async () => {
    const { code, stdout } = await cli(['diff']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^= +actors +1\.0\.0@111111111111 +1\.0\.0@111111111111 +in sync$/m);
    expect(stdout).toContain('Everything is in sync.');
  });

  it('exits 2 and says why when a service differs', async () => {
    deployer.runtime.setStatus(outOfSync());
    const { code, stdout } = await cli(['diff']);
    expect(code).toBe(2);
    expect(stdout).toMatch(
      /^~ +actors +1\.1\.0@222222222222 +1\.0\.0@111111111111 +Progressing: rolling out 1\.1\.0$/m,
    );
    expect(stdout).toMatch(/^= +billing/m);
    expect(stdout).toContain('1 of 2 services differ.');
  });

  it('counts a rejected config revision as a difference', async () => {
    deployer.runtime.setStatus(
      fakeDeployerStatus({
        config: {
          revision: 'a',
          lastAppliedRevision: 'a',
          headRevision: null,
          readAt: null,
          lastAttemptedRevision: 'b',
          errors: [{ file: 'services/x.yaml', line: 1, column: 1, field: '', message: 'empty file' }],
        },
      }),
    );
    const { code, stdout } = await cli(['diff']);
    expect(code).toBe(2);
    expect(stdout).toContain('config rejected with 1 error');
  });

  it('treats a service without a desired image as different', async () => {
    deployer.runtime.setStatus(
      fakeDeployerStatus({
        services: [
          fakeServiceStatus('actors', {
            desired: null,
            sync: { state: 'Degraded', reason: 'NoMatchingImage', message: 'no tag matches ^2', since: 'x' },
          }),
        ],
      }),
    );
    const { code, stdout } = await cli(['diff']);
    expect(code).toBe(2);
    expect(stdout).toContain('no desired image: no tag matches ^2');
  });

  it('--json reports per service', async () => {
    deployer.runtime.setStatus(outOfSync());
    const { code, stdout } = await cli(['diff', '--json']);
    expect(code).toBe(2);
    const report = JSON.parse(stdout);
    expect(report.inSync).toBe(false);
    expect(report.services).toEqual([
      expect.objectContaining({ service: 'actors', inSync: false, state: 'Progressing' }),
      expect.objectContaining({ service: 'billing', inSync: true, detail: '' }),
    ]);
  });
});

describe('sync, rollback, suspend, resume', () => {
  it('sync calls the API with the token and says how to follow it', async () => {
    const { code, stdout } = await cli(['sync', 'actors', '--token', TEST_TOKEN]);
    expect(code).toBe(0);
    expect(stdout).toBe('sync of actors (now Synced) queued. Follow it with: npx ecs-gitops status actors\n');
    expect(deployer.runtime.calls).toEqual([{ method: 'sync', service: 'actors', caller: 'status-token' }]);
  });

  it('rollback --to passes the revision', async () => {
    const { code, stdout } = await cli(['rollback', 'actors', '--to', 'actors:3'], {
      ECS_GITOPS_TOKEN: TEST_TOKEN,
    });
    expect(code).toBe(0);
    expect(deployer.runtime.calls).toEqual([
      { method: 'rollback', service: 'actors', to: 'actors:3', caller: 'status-token' },
    ]);
    expect(stdout).toBe(
      'rolled actors (now Synced) back from actors:2 to actors:3 (@111111111111); tracking is suspended until: npx ecs-gitops resume actors\n',
    );
  });

  it('rollback without --to goes to the previous revision', async () => {
    const { code, stdout } = await cli(['rollback', 'actors'], { ECS_GITOPS_TOKEN: TEST_TOKEN });
    expect(code).toBe(0);
    expect(deployer.runtime.calls).toEqual([
      { method: 'rollback', service: 'actors', to: undefined, caller: 'status-token' },
    ]);
    expect(stdout).toContain('back from actors:2 to actors:1 (');
  });

  it('suspend and resume flip the runtime override', async () => {
    const env = { ECS_GITOPS_TOKEN: TEST_TOKEN };
    expect((await cli(['suspend', 'actors'], env)).stdout).toContain('actors (now Synced) suspended');
    expect(deployer.runtime.serviceStatus('actors')?.suspended).toBe(true);
    expect((await cli(['resume', 'actors'], env)).stdout).toBe(
      'actors resumed; reconcile queued. Follow it with: npx ecs-gitops status actors\n',
    );
    expect(deployer.runtime.serviceStatus('actors')?.suspended).toBe(false);
  });

  it('--json prints the deployer answer', async () => {
    const { stdout } = await cli(['suspend', 'actors', '--json'], { ECS_GITOPS_TOKEN: TEST_TOKEN });
    expect(JSON.parse(stdout)).toMatchObject({
      service: 'actors',
      action: 'suspend',
      status: { suspended: true },
    });
  });

  it('resume says when the config still suspends the service', async () => {
    deployer.runtime.updateService('actors', {
      suspended: true,
      sync: { state: 'Suspended', reason: 'Suspended', message: 'suspended in config', since: 's' },
    });
    const { code, stdout } = await cli(['resume', 'actors'], { ECS_GITOPS_TOKEN: TEST_TOKEN });
    expect(code).toBe(0);
    expect(stdout).toBe(
      'actors resumed, but its config still suspends it: set suspended: false in its config file to deploy again.\n',
    );
  });

  it('resume of a service that is not suspended says so, exits 1 and queues nothing', async () => {
    const { code, stdout, stderr } = await cli(['resume', 'actors'], { ECS_GITOPS_TOKEN: TEST_TOKEN });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      'ecs-gitops resume: actors is not suspended, so there is nothing to resume (HTTP 409 NOT_SUSPENDED)\n',
    );
    expect(deployer.runtime.serviceStatus('actors')?.suspended).toBe(false);
  });

  it.each([
    [
      'no token',
      {},
      [],
      'ecs-gitops sync: the deployer at URL needs an API token and none was given (HTTP 401: send an operate token as `Authorization: Bearer <token>` (STATUS_TOKEN or an API_TOKENS entry)); pass --token <token> or set ECS_GITOPS_TOKEN to its STATUS_TOKEN (`npm start` prints it in its banner)\n',
    ],
    [
      'a wrong token in the environment',
      { ECS_GITOPS_TOKEN: 'wrong' },
      [],
      "ecs-gitops sync: the deployer at URL refused the token from ECS_GITOPS_TOKEN (HTTP 401: the bearer token is not one of the deployer API tokens); it is not one of its API tokens: check ECS_GITOPS_TOKEN against the deployer's STATUS_TOKEN (`npm start` prints it in its banner)\n",
    ],
    [
      'a wrong token as a flag',
      { ECS_GITOPS_TOKEN: TEST_TOKEN },
      ['--token', 'wrong'],
      "ecs-gitops sync: the deployer at URL refused the token from --token (HTTP 401: the bearer token is not one of the deployer API tokens); it is not one of its API tokens: check --token against the deployer's STATUS_TOKEN (`npm start` prints it in its banner)\n",
    ],
  ])('exits 4 with %s, saying which setting to fix', async (_case, env, flags, message) => {
    const { code, stderr } = await cli(['sync', 'actors', ...flags], env);
    expect(code).toBe(4);
    expect(stderr).toBe(message.replace('URL', deployer.url));
    expect(deployer.runtime.calls).toEqual([]);
  });

  it('exits 1 for an unknown service', async () => {
    const { code, stderr } = await cli(['suspend', 'nope'], { ECS_GITOPS_TOKEN: TEST_TOKEN });
    expect(code).toBe(1);
    expect(stderr).toContain('no service named "nope"');
  });
});

describe('flags, usage and connection errors', () => {
  it.each(['status', 'diff', 'sync', 'rollback', 'suspend', 'resume'])(
    '%s --help prints its usage',
    async (verb) => {
      const { code, stdout } = await cli([verb, '--help']);
      expect(code).toBe(0);
      expect(stdout).toContain(`Usage: ecs-gitops ${verb}`);
      expect(stdout).toContain('--url <url>');
      expect(stdout).toMatch(/Exit codes:/);
    },
  );

  it.each([
    [['sync'], 'missing the service name (npx ecs-gitops status lists the services)'],
    [['status', 'a', 'b'], 'unexpected argument "b"'],
    [['diff', 'x'], 'unexpected argument "x": diff takes no arguments'],
    [['status', '--bogus'], 'unknown option --bogus (options: --url, --token, --help, --json, --watch)'],
    [['status', '--jsn'], 'unknown option --jsn; did you mean --json?'],
    [['sync', 'actors', '--tokn', 'x'], 'unknown option --tokn; did you mean --token?'],
    [['status', '--json=yes'], '--json takes no value (got "yes")'],
    [['rollback', 'actors', '--to'], '--to needs a value: --to <value>'],
    [['status', '--url', '--json'], '--url needs a value, but the next argument is the option --json'],
    [['rollback', 'actors', '--to', ''], '--to needs a family:revision'],
    [
      ['status', '--url', 'deployer:8080'],
      '--url / ECS_GITOPS_URL must be an http(s) URL, got "deployer:8080"',
    ],
  ])('%j is a usage error (exit 64): %s', async (args, message) => {
    const { code, stderr } = await cli(args);
    expect(code).toBe(64);
    expect(stderr).toContain(message);
    expect(stderr).toContain(`Usage: ecs-gitops ${args[0]}`);
  });

  it('--url wins over ECS_GITOPS_URL, and an unreachable deployer exits 3', async () => {
    const { code, stderr } = await cli(['status', '--url', 'http://127.0.0.1:9']);
    expect(code).toBe(3);
    expect(stderr).toContain('cannot reach the deployer at http://127.0.0.1:9');
  });
});
