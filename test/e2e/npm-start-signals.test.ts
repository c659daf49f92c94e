// `npm start` as a process manager or a terminal runs it: npm → the deployer → the local world's
// task processes (each in its own process group). A signal sent to the npm process alone must stop
// all of them; so must npm dying without passing anything on (kill -9). Real processes, all ports
// free ones; every process found is killed at the end whatever the outcome.
// On the way, what `npm start` prints: pino-pretty lines by default (a terminal), the JSON lines that
// aws mode (CloudWatch) and the tests read with LOG_FORMAT=json. (Was log-format.test.ts, which started
// two more local-mode deployers for it; an unknown LOG_FORMAT is refused in local-mode.test.ts.)
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { compileCacheEnv } from '../../local/tasks/compile-cache.ts';
import { ANY_FREE_LOCAL_PORTS } from '../support/free-local-ports.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const FREE_PORTS = { PORT: '0', ...ANY_FREE_LOCAL_PORTS };
const seen = new Set<number>();

function parentOf(pid: number): number | undefined {
  try {
    // Field 4 of /proc/<pid>/stat, after the parenthesised command name (which may hold spaces).
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    // A zombie has exited; only its parent has not reaped it yet.
    return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Every live descendant of `root` (task processes are in other process groups, not other trees). */
function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const parent = parentOf(pid);
    if (parent !== undefined) children.set(parent, [...(children.get(parent) ?? []), pid]);
  }
  const found: number[] = [];
  const visit = (pid: number) => {
    for (const child of children.get(pid) ?? []) {
      found.push(child);
      visit(child);
    }
  };
  visit(root);
  return found;
}

async function waitUntil(what: string, done: () => boolean, timeoutMs: number, details: () => string) {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms\n${details()}`);
    await sleep(200);
  }
}

interface NpmStart {
  npm: ChildProcess;
  output(): string;
}

/**
 * What a test waits for before it signals: `banner`, the whole deployer up (its log lines are part of
 * the claim); `task healthy`, the seeded actors task answering its health check (so its exit-with-parent
 * preload runs) and the deployer past the point where it watches its parent (the first thing local mode
 * does): what a kill -9 claim needs, ~2.5 s and ~1 CPU-s of the deployer's start sooner.
 */
type StartedWhen = 'banner' | 'task healthy';

/** `npm start` with free ports; `logFormat` sets LOG_FORMAT (unset: the default a user gets). */
async function npmStart(logFormat?: 'json', when: StartedWhen = 'banner'): Promise<NpmStart> {
  const npm = spawn('npm', ['start'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      // The run's compile cache reaches the deployer and, through it, the task processes.
      ...compileCacheEnv(),
      HOME: process.env.HOME ?? '/tmp',
      ...FREE_PORTS,
      ...(logFormat ? { LOG_FORMAT: logFormat } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  npm.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  npm.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  if (npm.pid) seen.add(npm.pid);
  const started = { npm, output: () => output };
  await waitUntil(
    when === 'banner' ? 'the deployer did not print its banner' : 'the seeded task did not become healthy',
    () => output.includes(when === 'banner' ? 'Ctrl-C stops' : 'task healthy'),
    90_000,
    () => output,
  );
  return started;
}

/** The deployer and its task processes under npm, once they are all up. */
function processTree(started: NpmStart): { all: number[]; deployer: number; tasks: number[] } {
  const all = descendants(started.npm.pid ?? 0);
  for (const pid of all) seen.add(pid);
  const command = (pid: number) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
    } catch {
      return '';
    }
  };
  const deployer = all.find((pid) => command(pid).includes('deployer/main.ts'));
  const tasks = all.filter((pid) => command(pid).includes('service/main.ts'));
  expect(deployer, `no deployer process under npm: ${all.map(command).join('; ')}`).toBeDefined();
  expect(tasks.length, 'the seeded actors task runs as a process').toBeGreaterThan(0);
  return { all, deployer: deployer ?? 0, tasks };
}

afterEach(() => {
  for (const pid of seen) {
    if (alive(pid)) process.kill(pid, 'SIGKILL');
  }
  seen.clear();
});

/** The log lines of the output: not npm's header nor the banner (which starts after a blank line). */
function logLines(output: string): string[] {
  return output.split('\n').filter((line) => /^(\{|\[\d\d:\d\d:\d\d\.\d{3}\])/.test(line));
}

describe('npm start stops with its parent', () => {
  it('SIGTERM to the npm process alone stops the deployer and every task process; LOG_FORMAT=json logs JSON lines', async () => {
    const started = await npmStart('json');
    const tree = processTree(started);
    process.kill(started.npm.pid ?? 0, 'SIGTERM');
    await waitUntil(
      'processes still running after SIGTERM to npm',
      () => tree.all.every((pid) => !alive(pid)),
      30_000,
      () => `${tree.all.filter(alive).join(', ')} alive\n${started.output().slice(-3000)}`,
    );
    const lines = logLines(started.output());
    expect(lines.filter((line) => !line.startsWith('{'))).toEqual([]);
    const messages = lines.map((line) => (JSON.parse(line) as { msg?: string }).msg);
    expect(messages).toEqual(
      expect.arrayContaining(['deployer listening', 'deployer runtime ready', 'deployer stopped']),
    );
  }, 150_000);

  it('SIGINT to the npm process alone stops the deployer and every task process; the default log is human-readable', async () => {
    const started = await npmStart();
    const tree = processTree(started);
    process.kill(started.npm.pid ?? 0, 'SIGINT');
    await waitUntil(
      'processes still running after SIGINT to npm',
      () => tree.all.every((pid) => !alive(pid)),
      30_000,
      () => `${tree.all.filter(alive).join(', ')} alive\n${started.output().slice(-3000)}`,
    );
    // Time, level, component and message on one line; no JSON lines.
    const lines = logLines(started.output());
    expect(lines.filter((line) => line.startsWith('{'))).toEqual([]);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO \(deployer\): deployer listening \{"url":"http:/,
        ),
        expect.stringMatching(/^\[[\d:.]+\] INFO \(deployer\): runtime: deployer runtime ready /),
        expect.stringMatching(/^\[[\d:.]+\] INFO \(deployer\): deployer stopped$/),
      ]),
    );
  }, 150_000);

  // Killed as soon as the seeded task is healthy: the deployer watches its parent from the start of
  // local mode on, and the stop it then runs is the SIGTERM/SIGINT tests' (those wait for the banner).
  it('kill -9 of npm: the deployer notices it was orphaned and stops with its tasks', async () => {
    const started = await npmStart(undefined, 'task healthy');
    const tree = processTree(started);
    process.kill(started.npm.pid ?? 0, 'SIGKILL');
    await waitUntil(
      'processes still running after npm was killed',
      () => tree.all.every((pid) => !alive(pid)),
      30_000,
      () => `${tree.all.filter(alive).join(', ')} alive`,
    );
  }, 150_000);

  it('kill -9 of the deployer: its task processes exit too', async () => {
    const started = await npmStart(undefined, 'task healthy');
    const tree = processTree(started);
    process.kill(tree.deployer, 'SIGKILL');
    await waitUntil(
      'task processes still running after the deployer was killed',
      () => tree.tasks.every((pid) => !alive(pid)),
      30_000,
      () => `${tree.tasks.filter(alive).join(', ')} alive`,
    );
  }, 150_000);
});
