// The installed experience: `node deployer/cli/main.ts <verb>` as a child process against a real
// deployer HTTP server on 127.0.0.1:0, checking stdout, stderr and the exit code. Only what needs the
// process is spawned (the environment it reads, the streams, the exit code as a shell sees it); the rest
// runs the same CLI in-process (test/support/cli-in-process.ts) against the same server: a CLI process
// costs a node start, and this file started eleven.
import { execFile } from 'node:child_process';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileCacheEnv } from '../../../local/tasks/compile-cache.ts';
import { runCliInProcess } from '../../support/cli-in-process.ts';
import {
  FAKE_DIGEST_V2,
  type FakeRuntime,
  fakeDeployerStatus,
  fakeServiceStatus,
} from '../../support/fake-runtime.ts';
import { TEST_TOKEN, testServer } from '../../support/test-server.ts';

const MAIN = path.resolve(import.meta.dirname, '../../../deployer/cli/main.ts');
let app: FastifyInstance;
let runtime: FakeRuntime;
let url: string;

beforeAll(async () => {
  ({ app, runtime } = await testServer({ mode: 'aws' }));
  url = await app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await app.close();
});

function cli(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [MAIN, ...args],
      {
        env: { PATH: process.env.PATH ?? '', ...compileCacheEnv(), ECS_GITOPS_URL: url, ...env },
        timeout: 50_000,
      },
      (error, stdout, stderr) => {
        const code = error ? Number((error as { code?: unknown }).code ?? 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** The same CLI in-process, with the environment the spawned one gets. */
const inProcess = (args: string[]) => runCliInProcess(args, { env: { ECS_GITOPS_URL: url } });

describe('ecs-gitops (spawned)', () => {
  it('status prints the table with the token from ECS_GITOPS_TOKEN (reads need it in aws mode)', async () => {
    const { code, stdout, stderr } = await cli(['status'], { ECS_GITOPS_TOKEN: TEST_TOKEN });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /^SERVICE +STATE +HEALTH +DESIRED +LIVE +STEP +LAST ROLLOUT\nactors +Synced +Healthy·Synced +1\.0\.0@1{12} +1\.0\.0@1{12} +- +-\n/,
    );
  });

  it('status exits 4 without the token in aws mode', async () => {
    const { code, stderr } = await cli(['status']);
    expect(code).toBe(4);
    expect(stderr).toContain(
      'needs an API token and none was given (HTTP 401: this deployer runs in aws mode',
    );
    expect(stderr).toContain('pass --token <token> or set ECS_GITOPS_TOKEN');
  });

  it('diff exits 2 when a service differs, 0 when all are in sync', async () => {
    runtime.setStatus(
      fakeDeployerStatus({
        services: [
          fakeServiceStatus('actors', {
            desired: {
              image: `r/actors@${FAKE_DIGEST_V2}`,
              digest: FAKE_DIGEST_V2,
              tag: '1.1.0',
              reason: 'r',
              policy: { semver: '^1' },
            },
            sync: { state: 'OutOfSync', reason: 'NewImage', message: '1.1.0 is due', since: 'x' },
          }),
        ],
      }),
    );
    const differs = await cli(['diff', '--token', TEST_TOKEN]);
    expect(differs.code).toBe(2);
    expect(differs.stdout).toContain('OutOfSync: 1.1.0 is due');
    runtime.setStatus(fakeDeployerStatus());
    expect((await inProcess(['diff', '--token', TEST_TOKEN])).code).toBe(0);
  });

  it('rollback --to reaches the runtime', async () => {
    const { code } = await inProcess(['rollback', 'actors', '--to', '3', '--token', TEST_TOKEN]);
    expect(code).toBe(0);
    expect(runtime.calls).toContainEqual({
      method: 'rollback',
      service: 'actors',
      to: '3',
      caller: 'status-token',
    });
  });

  it('exits 3 naming the URL when nothing listens there', async () => {
    const { code, stderr } = await inProcess(['diff', '--url', 'http://127.0.0.1:9']);
    expect(code).toBe(3);
    expect(stderr).toContain('cannot reach the deployer at http://127.0.0.1:9');
  });

  it('lists the remote verbs in the global help', async () => {
    const { code, stdout } = await inProcess(['--help']);
    expect(code).toBe(0);
    for (const verb of ['status', 'diff', 'sync', 'rollback', 'suspend', 'resume'])
      expect(stdout).toMatch(new RegExp(`^  ${verb} `, 'm'));
  });

  // In-process: the verb reads both from the environment it is given (the spawned tests above show the
  // entry gives it the process's); either decides whatever stdout is (test/unit/cli/colour.test.ts).
  it('colours the table with FORCE_COLOR and never with NO_COLOR', async () => {
    const run = (env: Record<string, string>) =>
      runCliInProcess(['status'], { env: { ECS_GITOPS_URL: url, ECS_GITOPS_TOKEN: TEST_TOKEN, ...env } });
    const forced = await run({ FORCE_COLOR: '1' });
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('\u001b[32mSynced');
    const plain = await run({ FORCE_COLOR: '1', NO_COLOR: '1' });
    expect(plain.code).toBe(0);
    expect(plain.stdout).not.toContain('\u001b[');
  });
});
