// `ecs-gitops history` and `rollback --dry-run`, in-process through runCli against the real HTTP layer
// (buildServer over the fake runtime) on 127.0.0.1:0.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../../../deployer/cli/cli-io.ts';
import { REMOTE_COMMANDS } from '../../../deployer/cli/commands/remote-commands.ts';
import { runCli } from '../../../deployer/cli/main.ts';
import type { ServiceHistory } from '../../../deployer/contract/history-model.ts';
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
  runtime.setHistory(HISTORY);
  runtime.calls.length = 0;
});

async function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    env: { ECS_GITOPS_URL: url, NO_COLOR: '1', ...env },
    cwd: process.cwd(),
  };
  const code = await runCli(args, io, REMOTE_COMMANDS);
  return { code, stdout, stderr };
}

const SHA = '0123456789abcdef0123456789abcdef01234567';
const ARN = (n: number) => `arn:aws:ecs:eu-west-1:123456789012:task-definition/actors:${n}`;
const HISTORY: ServiceHistory = {
  service: 'actors',
  cluster: 'gitops',
  ecsService: 'actors',
  family: 'actors',
  liveTaskDefinitionArn: ARN(3),
  revisions: [
    {
      taskDefinitionArn: ARN(3),
      revision: 'actors:3',
      live: true,
      image: `repo/actors@sha256:${'b'.repeat(64)}`,
      digest: `sha256:${'b'.repeat(64)}`,
      tag: '1.1.0',
      result: 'Succeeded',
      reason: 'RolloutSucceeded',
      startedAt: '2026-01-01T10:00:00.000Z',
      finishedAt: '2026-01-01T10:01:05.000Z',
      durationMs: 65_000,
      trigger: { kind: 'git-push', commit: SHA, author: 'Ada Lovelace', message: 'bump actors' },
      links: { commit: `https://github.com/o/r/commit/${SHA}` },
    },
    {
      taskDefinitionArn: ARN(2),
      revision: 'actors:2',
      live: false,
      image: `repo/actors@sha256:${'a'.repeat(64)}`,
      digest: `sha256:${'a'.repeat(64)}`,
      tag: '1.0.1',
      result: 'RolledBack',
      reason: 'VerifyTimeout',
      startedAt: '2026-01-01T09:00:00.000Z',
      finishedAt: '2026-01-01T09:02:00.000Z',
      durationMs: 120_000,
      trigger: { kind: 'image-push', repository: 'actors', tag: '1.0.1' },
      links: {},
    },
    { taskDefinitionArn: ARN(1), revision: 'actors:1', live: false, image: 'repo/actors:1.0.0', links: {} },
  ],
  more: 4,
};

describe('ecs-gitops history', () => {
  it('prints one line per revision with result, image, trigger and time, then the links', async () => {
    const { code, stdout, stderr } = await cli(['history', 'actors']);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toBe(
      [
        'actors: ECS service actors in gitops, family actors (* = live)',
        'REVISION   RESULT                      IMAGE               TRIGGER                                               STARTED               DURATION',
        '*actors:3  Succeeded                   1.1.0@bbbbbbbbbbbb  git push 0123456789ab by Ada Lovelace: "bump actors"  2026-01-01 10:00:00Z  1m 05s',
        ' actors:2  RolledBack (VerifyTimeout)  1.0.1@aaaaaaaaaaaa  image push actors:1.0.1                               2026-01-01 09:00:00Z  2m 00s',
        ' actors:1  —                           1.0.0               —',
        '4 older active revisions not shown (--limit)',
        'links of actors:3:',
        `  commit            https://github.com/o/r/commit/${SHA}`,
        '',
      ].join('\n'),
    );
  });

  it('--json prints the answer; --limit reaches the deployer', async () => {
    const { code, stdout } = await cli(['history', 'actors', '--json', '--limit', '3']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual(HISTORY);
    expect(runtime.calls).toEqual([{ method: 'history', service: 'actors', limit: 3 }]);
  });

  it.each([
    [['history'], 'missing the service name'],
    [['history', 'actors', '--limit', '0'], '--limit must be a whole number from 1 to 100'],
    [['history', 'actors', '--limit', 'many'], '--limit must be a whole number from 1 to 100'],
  ])('%j is a usage error: %s', async (args, message) => {
    const { code, stderr } = await cli(args);
    expect(code).toBe(64);
    expect(stderr).toContain(message);
  });

  it("an unknown service exits 1 with the deployer's words", async () => {
    const { code, stderr } = await cli(['history', 'actor']);
    expect(code).toBe(1);
    expect(stderr).toContain('no service named "actor" in the deployer\'s config; did you mean "actors"?');
  });
});

describe('ecs-gitops rollback --dry-run', () => {
  it('says which revision it would go back to and that nothing changed', async () => {
    const { code, stdout } = await cli(['rollback', 'actors', '--to', 'actors:1', '--dry-run'], {
      ECS_GITOPS_TOKEN: TEST_TOKEN,
    });
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /^dry run: would roll actors back from actors:2 to actors:1 \(.*\) and suspend tracking; nothing changed\n$/,
    );
    expect(runtime.calls).toEqual([
      { method: 'rollback', service: 'actors', to: 'actors:1', dryRun: true, caller: 'status-token' },
    ]);
    expect(runtime.serviceStatus('actors')?.suspended).toBe(false);
  });
});
