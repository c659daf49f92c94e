// `ecs-gitops refresh` in-process through runCli against the real HTTP layer over the fake runtime,
// and the config head / read time on `ecs-gitops status`.
import { beforeEach, describe, expect, it } from 'vitest';
import { REMOTE_COMMANDS } from '../../../deployer/cli/commands/remote-commands.ts';
import { runCliInProcess, useFakeDeployer } from '../../support/cli-in-process.ts';
import { fakeDeployerStatus } from '../../support/fake-runtime.ts';
import { TEST_TOKEN } from '../../support/test-server.ts';

const deployer = useFakeDeployer();
beforeEach(() => {
  deployer.runtime.setRefreshOutcome('unchanged');
});

const cli = (args: string[]) =>
  runCliInProcess(args, {
    env: { ECS_GITOPS_URL: deployer.url, ECS_GITOPS_TOKEN: TEST_TOKEN },
    commands: REMOTE_COMMANDS,
  });

const config = (overrides: Partial<ReturnType<typeof fakeDeployerStatus>['config']>) =>
  fakeDeployerStatus({ config: { ...fakeDeployerStatus().config, ...overrides } });

describe('ecs-gitops refresh', () => {
  it('asks the deployer to re-read its config and says a new revision was applied', async () => {
    deployer.runtime.setRefreshOutcome('applied');
    deployer.runtime.setStatus(config({ revision: 'def4567890abcdef', headRevision: 'def4567890abcdef' }));
    const { code, stdout } = await cli(['refresh']);
    expect(code).toBe(0);
    expect(stdout).toBe('config def4567890ab applied; every service is being reconciled\n');
    expect(deployer.runtime.calls).toEqual([{ method: 'refresh' }]);
  });

  it('says so when nothing changed', async () => {
    const { code, stdout } = await cli(['refresh']);
    expect(code).toBe(0);
    expect(stdout).toContain('config unchanged: abc123 is in force');
  });

  it('exits 1 with the errors when the config at the source is invalid, naming the last good revision', async () => {
    deployer.runtime.setStatus(
      config({
        lastAttemptedRevision: 'bad0000000000000',
        errors: [{ file: 'config/services/a.yaml', line: 3, column: 1, field: 'image', message: 'missing' }],
      }),
    );
    const { code, stderr } = await cli(['refresh']);
    expect(code).toBe(1);
    expect(stderr).toContain('Running last good revision abc123; HEAD bad000000000 is invalid:');
    expect(stderr).toContain('config/services/a.yaml:3:1 image: missing');
  });

  it('--json prints the answer', async () => {
    const { stdout } = await cli(['refresh', '--json']);
    expect(JSON.parse(stdout)).toMatchObject({
      action: 'refresh',
      outcome: 'unchanged',
      config: { revision: 'abc123' },
    });
  });
});

describe('ecs-gitops status shows the config at the source beside the one applied', () => {
  it('prints the head revision and when it was read', async () => {
    deployer.runtime.setStatus(
      config({ headRevision: 'fff1112223334445', readAt: '2026-01-01T10:11:12.000Z' }),
    );
    const { stdout } = await cli(['status']);
    expect(stdout).toMatch(/config abc123 · head fff111222333 read .*10:11:12/);
  });

  it('says the source was not read yet before the first read', async () => {
    const { stdout } = await cli(['status']);
    expect(stdout).toContain('config abc123 · head not read yet');
  });
});
