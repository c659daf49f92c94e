// Starts `node service/main.ts` as a child process (Node 24 via process.execPath) and follows its
// output, for tests of what only a real process shows: startup refusal, signals, exit codes.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { compileCacheEnv } from '../../../../local/tasks/compile-cache.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const SLOW_REQUEST_PRELOAD = fileURLToPath(new URL('./slow-request-preload.ts', import.meta.url));

export interface ServiceProcess {
  child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** What was written to stderr alone. */
  stderr(): string;
  /** JSON log lines from stdout. */
  logs(): Array<Record<string, unknown>>;
  /** Resolves with the first match of `pattern` in the output (rejects on timeout or exit). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running = new Set<ChildProcess>();

export function startServiceProcess(
  env: Record<string, string>,
  options: { nodeArgs?: string[]; script?: string; cwd?: string } = {},
): ServiceProcess {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), options.script ?? 'service/main.ts'], {
    cwd: options.cwd ?? REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', ...compileCacheEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
    notify();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
    notify();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child);
      // Let the last output chunks arrive before reporting the exit.
      setImmediate(() => {
        notify();
        resolve({ code, signal });
      });
    });
  });
  const output = () => stdout + stderr;
  return {
    child,
    output,
    stderr: () => stderr,
    logs: () =>
      stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    exited,
    // An upper bound, under the layer's 60 s per test: a node process that listens in 0.3 s on an idle
    // machine took over 10 s to start in CI at a load of 10-15.
    waitFor(pattern, timeoutMs = 45_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(output());
          if (match) {
            done();
            resolve(match);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            done();
            reject(new Error(`service exited before ${pattern} appeared; output:\n${output()}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`timed out waiting for ${pattern}; output:\n${output()}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
  };
}

/** Waits for the listen log line and returns the base URL (the service runs with PORT=0). */
export async function listeningUrl(service: ServiceProcess): Promise<string> {
  const match = await service.waitFor(/actors service listening at (http:\/\/[^"\s]+)/);
  return match[1] ?? '';
}

export function killAllServiceProcesses(): void {
  for (const child of running) child.kill('SIGKILL');
}
