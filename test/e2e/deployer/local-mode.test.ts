// `npm start` (local mode): the deployer starts its own local world, prints a banner with the token,
// picks up edits of the config directory, and leaves no process behind on SIGINT. Plus: startup
// failures exit 1 with a message that names what to fix (a taken PORT: test/integration/local/port-clash.test.ts).
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileCacheEnv } from '../../../local/tasks/compile-cache.ts';
import { type DeployerProcess, spawnDeployer } from '../../support/deployer-process.ts';
import { ANY_FREE_LOCAL_PORTS } from '../../support/free-local-ports.ts';
import { actorsYaml } from '../../support/local-actors.ts';

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
const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('deployer e2e: local mode', () => {
  let dir: string;
  let deployer: DeployerProcess;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ecs-gitops-local-mode-'));
    await mkdir(path.join(dir, 'services'));
    await writeFile(path.join(dir, 'services', 'actors.yaml'), actorsYaml({ semver: '^1.0.0' }));
    deployer = await spawnDeployer({ env: { ...LOCAL_PORTS, CONFIG_PATH: dir, LOCAL_USE_ECHO_TASK: '1' } });
  });
  afterAll(async () => {
    // SIGTERM: a SIGKILLed deployer would leave its local world's task processes behind.
    await deployer?.shutdown();
    await rm(dir, { recursive: true, force: true });
  });

  it('prints a banner with the dashboard URL, a generated token and the push hint', async () => {
    await deployer.waitFor('the runtime to be ready', (status) => status.services.length === 1 || undefined);
    await expect
      .poll(() => deployer.output(), { timeout: 5_000 })
      .toContain('ecs-gitops deployer is up (local mode)');
    const output = deployer.output();
    expect(output).toContain(`dashboard        ${deployer.url}/`);
    expect(output).toMatch(/API token\s+\S{20,}\s+\(generated for this run\)/);
    expect(output).toMatch(/npm run local:push -- actors 1\.1\.0/);
    expect(output).toMatch(/actors\s+http:\/\/127\.0\.0\.1:\d+\s+user actors \/ password \S+/);
  });

  it('prints the generated token in the banner only, never in a log line', () => {
    const token = /API token\s+(\S+)/.exec(deployer.output())?.[1] ?? '';
    expect(token).not.toBe('');
    const logLines = deployer
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'));
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.filter((line) => line.includes(token))).toEqual([]);
  });

  it('the generated token guards the API; status is public', async () => {
    const token = /API token\s+(\S+)/.exec(deployer.output())?.[1];
    expect((await fetch(`${deployer.url}/status`)).status).toBe(200);
    const anonymous = await fetch(`${deployer.url}/api/services/actors/sync`, { method: 'POST' });
    expect(anonymous.status).toBe(401);
    const authorised = await fetch(`${deployer.url}/api/services/actors/sync`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(authorised.status).toBe(202);
  });

  it('an edit of the config directory is picked up without a restart', async () => {
    const before = (await deployer.status()).config.revision;
    await writeFile(path.join(dir, 'services', 'actors.yaml'), actorsYaml({ semver: '~1.0.0' }));
    // Applied, and reconciled against the new policy (desired is set by the reconcile that follows).
    const status = await deployer.waitFor('the edited config to be applied and reconciled', (current) => {
      const actors = current.services.find((service) => service.name === 'actors');
      const policy = actors?.desired?.policy as { semver?: string } | undefined;
      return current.config.revision !== before && policy?.semver === '~1.0.0' ? current : undefined;
    });
    expect(status.config.revision).toMatch(/^sha256:/);
    expect(status.config.errors).toEqual([]);
  });

  it('SIGINT stops the deployer and the local world: exit 0, no task process left', async () => {
    const tasks = deployer
      .logs()
      .filter((line) => line.msg === 'task process started' && typeof line.pid === 'number')
      .map((line) => Number(line.pid));
    expect(tasks.length).toBeGreaterThan(0);
    expect(await deployer.stop('SIGINT')).toBe(0);
    await expect.poll(() => tasks.filter(isAlive), { timeout: 5_000 }).toEqual([]);
  });
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
