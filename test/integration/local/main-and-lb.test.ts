import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../local/task-commands.ts';
import { type LocalWorld, startLocalWorld } from '../../../local/world.ts';
import { ANY_FREE_LOCAL_PORTS } from '../../support/free-local-ports.ts';
import { echoWorldOptions, eventually, FAST_TIMING, isAlive, quietLogger } from './helpers.ts';

const LOCAL_MAIN = fileURLToPath(new URL('../../../local/main.ts', import.meta.url));
const LOCAL_PUSH = fileURLToPath(new URL('../../../local/push.ts', import.meta.url));
const started: ChildProcess[] = [];
const worlds: LocalWorld[] = [];

afterAll(async () => {
  for (const child of started) if (child.exitCode === null) child.kill('SIGKILL');
  await Promise.all(worlds.map((world) => world.stop()));
});

function childPids(parent: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(parent)], { encoding: 'utf8' })
      .split('\n')
      .map((line) => Number(line.trim()))
      .filter((pid) => pid > 0);
  } catch {
    return [];
  }
}

describe('load balancer', () => {
  it('round-robins over healthy tasks and answers 503 JSON when there are none', async () => {
    const world = await startLocalWorld(echoWorldOptions());
    worlds.push(world);
    const { UpdateServiceCommand, ECSClient } = await import('@aws-sdk/client-ecs');
    const ecs = new ECSClient({
      region: 'us-east-1',
      endpoint: world.endpoints.ecs,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    await ecs.send(new UpdateServiceCommand({ cluster: 'gitops', service: 'actors', desiredCount: 2 }));
    await eventually(() =>
      world.processes().filter((task) => task.lastStatus === 'RUNNING').length === 2 ? true : undefined,
    );
    const pids = new Set<number>();
    for (let index = 0; index < 4; index += 1) {
      const body = (await (await fetch(`${world.serviceUrl('actors')}/whoami`)).json()) as { pid: number };
      pids.add(body.pid);
    }
    expect(pids).toEqual(new Set(world.processes().map((task) => task.pid)));
    await ecs.send(new UpdateServiceCommand({ cluster: 'gitops', service: 'actors', desiredCount: 0 }));
    const response = await eventually(async () => {
      const answer = await fetch(`${world.serviceUrl('actors')}/health`);
      return answer.status === 503 ? answer : undefined;
    });
    expect(await response.json()).toEqual({ error: 'no healthy tasks', service: 'actors' });
  });
});

describe('the real actors service', () => {
  it('runs as the default task command, reports its digest and serves actors with the world credentials', async () => {
    const world = await startLocalWorld({
      timing: { ...FAST_TIMING, healthTimeoutMs: 10_000 },
      logger: quietLogger,
    });
    worlds.push(world);
    const seeded = world.registry.findImage('actors', { imageTag: '1.0.0' });
    expect(seeded?.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const version = (await (await fetch(`${world.serviceUrl('actors')}/version`)).json()) as {
      digest: string;
    };
    expect(version.digest).toBe(seeded?.digest);

    const { user, password } = world.actorsCredentials;
    const authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    const actor = await fetch(`${world.serviceUrl('actors')}/actors/2`, { headers: { authorization } });
    expect(actor.status).toBe(200);
    expect(await actor.json()).toEqual({ id: 2, actor: 'Leonard Nimoy', role: 'Spock' });
    expect((await fetch(`${world.serviceUrl('actors')}/actors/2`)).status).toBe(401);
  });
});

describe('npm run local / local:push', () => {
  it('starts the world, accepts a push over HTTP, and leaves no child process after SIGINT', async () => {
    const child = spawn(process.execPath, [LOCAL_MAIN], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        LOG_LEVEL: 'warn',
        LOCAL_USE_ECHO_TASK: '1',
        ...ANY_FREE_LOCAL_PORTS,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    started.push(child);
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    await eventually(() => (output.includes('Ctrl-C stops everything') ? true : undefined), 15_000);
    const ecrUrl = /export AWS_ENDPOINT_URL_ECR=(\S+)/.exec(output)?.[1];
    const actorsUrl = /actors \(load balancer\)\s+(\S+)/.exec(output)?.[1];
    expect(ecrUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${actorsUrl}/health`)).status).toBe(200);

    const digest = execFileSync(process.execPath, [LOCAL_PUSH, 'actors', '1.1.0', '--ecr', ecrUrl ?? ''], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);

    const tasks = childPids(child.pid ?? 0);
    expect(tasks.length).toBeGreaterThan(0);
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) =>
      child.once('exit', (exitCode) => resolve(exitCode)),
    );
    expect(code).toBe(0);
    expect(output).toContain('SIGINT: stopping the local world');
    expect(tasks.filter(isAlive)).toEqual([]);
  });
});
