// `ecs-gitops refresh` in-process through runCli against the real HTTP layer over the fake runtime,
// and the config head / read time on `ecs-gitops status`.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../../../deployer/cli/cli-io.ts';
import { REMOTE_COMMANDS } from '../../../deployer/cli/commands/remote-commands.ts';
import { runCli } from '../../../deployer/cli/main.ts';
import { type FakeRuntime, fakeDeployerStatus } from '../../support/fake-runtime.ts';
import { TEST_TOKEN, testServer } from '../../support/test-server.ts';

let app: FastifyInstance;
let runtime: FakeRuntime;
let url: string;

beforeAll(async () => {
  ({ app, runtime } = await testServer({ mode: 'local' }));
  url = await app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await app.close();
});
beforeEach(() => {
  runtime.setStatus(fakeDeployerStatus());
  runtime.setRefreshOutcome('unchanged');
  runtime.calls.length = 0;
});

async function cli(args: string[]) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    env: { ECS_GITOPS_URL: url, ECS_GITOPS_TOKEN: TEST_TOKEN },
    cwd: process.cwd(),
  };
  const code = await runCli(args, io, REMOTE_COMMANDS);
  return { code, stdout, stderr };
}

const config = (overrides: Partial<ReturnType<typeof fakeDeployerStatus>['config']>) =>
  fakeDeployerStatus({ config: { ...fakeDeployerStatus().config, ...overrides } });

describe('ecs-gitops refresh', () => {
  it('asks the deployer to re-read its config and says a new revision was applied', async () => {
    runtime.setRefreshOutcome('applied');
    runtime.setStatus(config({ revision: 'def4567890abcdef', headRevision: 'def4567890abcdef' }));
    const { code, stdout } = await cli(['refresh']);
    expect(code).toBe(0);
    expect(stdout).toBe('config def4567890ab applied; every service is being reconciled\n');
    expect(runtime.calls).toEqual([{ method: 'refresh' }]);
  });

  it('says so when nothing changed', async () => {
    const { code, stdout } = await cli(['refresh']);
    expect(code).toBe(0);
    expect(stdout).toContain('config unchanged: abc123 is in force');
  });

  it('exits 1 with the errors when the config at the source is invalid, naming the last good revision', async () => {
    runtime.setStatus(
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
    runtime.setStatus(config({ headRevision: 'fff1112223334445', readAt: '2026-01-01T10:11:12.000Z' }));
    const { stdout } = await cli(['status']);
    expect(stdout).toMatch(/config abc123 · head fff111222333 read .*10:11:12/);
  });

  it('says the source was not read yet before the first read', async () => {
    const { stdout } = await cli(['status']);
    expect(stdout).toContain('config abc123 · head not read yet');
  });
});
