// `npm start` (local mode) stopped while its local world starts, and startup failures that exit 1 with
// a message that names what to fix (a taken PORT: test/integration/local/port-clash.test.ts). A
// started local mode (banner, generated token, config edits, Ctrl-C) is checked where the guide runs
// it: test/e2e/quick-start.test.ts (one deployer for both).
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileCacheEnv } from '../../../local/tasks/compile-cache.ts';
import { ANY_FREE_LOCAL_PORTS } from '../../support/free-local-ports.ts';
import { isAlive } from '../../support/process-alive.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const LOCAL_PORTS = ANY_FREE_LOCAL_PORTS;

/** `node deployer/main.ts` with only PATH, the compile cache and `env`, run until it exits (a refused start). */
const deployerRunToExit = (env: Record<string, string>) =>
  spawnSync(process.execPath, ['deployer/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...compileCacheEnv(), ...env },
    encoding: 'utf8',
    timeout: 50_000,
  });

describe('deployer interrupted while starting', () => {
  it('SIGINT during the local world start stops what was started: exit 0, no task process left', async () => {
    const child = spawn(process.execPath, ['deployer/main.ts'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        ...compileCacheEnv(),
        PORT: '0',
        ...LOCAL_PORTS,
        LOCAL_USE_ECHO_TASK: '1',
        LOG_FORMAT: 'json',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    let output = '';
    const taskPid = await new Promise<number>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        // The seeded actors task is starting: the world is half up, the HTTP server not yet.
        const match = /"pid":(\d+),"port":\d+,"image":[^\n]*"msg":"task process started"/.exec(output);
        if (match) resolve(Number(match[1]));
      });
      exited.then(() => reject(new Error(`exited before starting a task:\n${output}`)));
    });
    expect(output).not.toContain('deployer listening');
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(output).toContain('deployer stopped');
    await expect.poll(() => isAlive(taskPid), { timeout: 5_000 }).toBe(false);
  });
});

describe('deployer startup failures', () => {
  it('exits 1 listing every missing aws-mode variable', () => {
    const result = deployerRunToExit({ DEPLOYER_MODE: 'aws' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('deployer cannot start: invalid deployer settings');
    for (const name of ['QUEUE_URL', 'GITHUB_WEBHOOK_SECRET', 'STATUS_TOKEN', 'CONFIG_REPOSITORY'])
      expect(result.stderr).toContain(name);
  });

  it('refuses an unknown LOG_FORMAT before starting anything', () => {
    const result = deployerRunToExit({ PORT: '0', ...LOCAL_PORTS, LOG_FORMAT: 'xml' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('deployer cannot start: LOG_FORMAT="xml" must be json or pretty');
  });
});
