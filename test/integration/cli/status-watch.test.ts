// `ecs-gitops status --watch` as a child process against buildServer over the fake runtime: a redraw per
// status change, reconnection after a deployer restart, and (in-process) errors that end it at once.
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseBlock } from '../../../deployer/cli/commands/read-events.ts';
import { compileCacheEnv } from '../../../local/tasks/compile-cache.ts';
import { runCliInProcess } from '../../support/cli-in-process.ts';
import { fakeDeployerStatus, fakeServiceStatus } from '../../support/fake-runtime.ts';
import { type TestServer, testServer } from '../../support/test-server.ts';

const MAIN = path.resolve(import.meta.dirname, '../../../deployer/cli/main.ts');
const children: ChildProcess[] = [];
const servers: TestServer[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  await Promise.all(servers.splice(0).map((s) => s.app.close()));
});

async function server(port = 0) {
  const s = await testServer({ mode: 'local' });
  servers.push(s);
  const url = await s.app.listen({ host: '127.0.0.1', port });
  return { ...s, url };
}

function watch(args: string[], url: string) {
  const child = spawn(process.execPath, [MAIN, 'status', '--watch', ...args], {
    env: { PATH: process.env.PATH ?? '', ...compileCacheEnv(), ECS_GITOPS_URL: url },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const out = { stdout: '', stderr: '' };
  child.stdout?.on('data', (chunk: Buffer) => {
    out.stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    out.stderr += chunk.toString();
  });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, out, exit };
}

const failed = () =>
  fakeDeployerStatus({
    services: [
      fakeServiceStatus('actors', {
        sync: { state: 'Failed', reason: 'VerifyTimeout', message: 'm', since: 's' },
      }),
    ],
  });

describe('status --watch', () => {
  // One watch process for both: the redraws, then (the last state drawn being Failed) a restart of the
  // deployer on the same port whose status (Synced) must be drawn after the reconnection.
  it('draws the table at once and again on every change, and reconnects when the deployer restarts', async () => {
    const first = await server();
    const port = Number(new URL(first.url).port);
    const { out } = watch([], first.url);
    await expect.poll(() => out.stdout, { timeout: 10_000 }).toMatch(/^actors +Synced/m);
    first.runtime.setStatus(failed());
    await expect.poll(() => out.stdout, { timeout: 10_000 }).toMatch(/^actors +Failed/m);
    expect(out.stdout).toContain('Ctrl-C to stop');
    expect(out.stdout).not.toContain('\u001b['); // not a terminal: no screen clearing
    await first.app.close();
    await expect.poll(() => out.stderr, { timeout: 10_000 }).toContain('reconnecting');
    const drawnBefore = out.stdout.length;
    const second = await server(port);
    second.runtime.setStatus(fakeDeployerStatus());
    await expect.poll(() => out.stdout.slice(drawnBefore), { timeout: 15_000 }).toMatch(/^actors +Synced/m);
  });

  it('follows one service in detail', async () => {
    const { runtime, url } = await server();
    const { out } = watch(['actors'], url);
    await expect.poll(() => out.stdout, { timeout: 10_000 }).toContain('Service:   actors');
    runtime.setStatus(failed());
    await expect.poll(() => out.stdout, { timeout: 10_000 }).toContain('State:     Failed (VerifyTimeout)');
  });

  // These end by themselves, so the same CLI runs in-process (no node start each): a watch that would
  // not end cannot be stopped in-process, which is why the tests above spawn it.
  it('ends at once for an unknown service, an unreachable deployer, or with --json', async () => {
    const { url } = await server();
    const inProcess = (args: string[], at: string) =>
      runCliInProcess(['status', '--watch', ...args], { env: { ECS_GITOPS_URL: at } });
    const unknown = await inProcess(['nope'], url);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no service named "nope" in the deployer\'s config');
    expect((await inProcess([], 'http://127.0.0.1:9')).code).toBe(3);
    const json = await inProcess(['--json'], url);
    expect(json.code).toBe(64);
    expect(json.stderr).toContain('--watch and --json do not go together');
  });
});

describe('parseBlock', () => {
  it.each([
    ['event: status\ndata: {"a":1}', { event: 'status', data: '{"a":1}' }],
    ['data: one\ndata: two', { event: 'message', data: 'one\ntwo' }],
    [': keep-alive', undefined],
    ['retry: 2000', undefined],
    ['event: status\ndata:no-space', { event: 'status', data: 'no-space' }],
  ])('%j', (block, expected) => {
    expect(parseBlock(block)).toEqual(expected);
  });
});
