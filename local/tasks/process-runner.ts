// Runs one ECS task as a local child process in its own process group, probes its HTTP health path,
// and stops it the way ECS does (SIGTERM, then SIGKILL after a grace period).
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { compileCacheEnv } from './compile-cache.ts';

export interface TaskCommand {
  command: string[];
  cwd?: string;
}

export type TaskProcessStatus = 'starting' | 'healthy' | 'stopping' | 'exited';

export interface TaskProcessOptions {
  command: TaskCommand;
  env: Record<string, string>;
  port: number;
  healthPath: string;
  /** Called once when the process exits, whatever the reason. */
  onExit?: (code: number | null, signal: NodeJS.Signals | null) => void;
}

const OUTPUT_LINES_KEPT = 50;
/** Lines of stderr kept per task: what the ECS stand-in reports as the container's last log lines. */
export const STDERR_LINES_KEPT = 50;
const EXIT_WITH_PARENT = fileURLToPath(new URL('./exit-with-parent.ts', import.meta.url));
const live = new Set<TaskProcess>();
let exitHookInstalled = false;

/** Last line of defence: if the parent exits without stop(), kill every task process group. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const task of live) task.killGroup('SIGKILL');
  });
}

export class TaskProcess {
  readonly pid: number;
  readonly port: number;
  readonly healthUrl: string;
  readonly output: string[] = [];
  /** The last lines the process wrote to stderr (an uncaught error's stack lands here). */
  readonly stderrTail: string[] = [];
  status: TaskProcessStatus = 'starting';
  exitCode: number | null = null;
  exitSignal: NodeJS.Signals | null = null;
  readonly exited: Promise<void>;
  readonly #child: ChildProcess;

  constructor(options: TaskProcessOptions) {
    installExitHook();
    const [file, ...commandArgs] = options.command.command;
    if (!file) throw new Error('task command is empty');
    // A Node task also stops when this process dies without stopping it (exit-with-parent.ts).
    const args = file === process.execPath ? ['--import', EXIT_WITH_PARENT, ...commandArgs] : commandArgs;
    this.port = options.port;
    this.healthUrl = `http://127.0.0.1:${options.port}${options.healthPath}`;
    // detached: the task leads its own process group, so stop() also reaches anything it spawned.
    this.#child = spawn(file, args, {
      cwd: options.command.cwd,
      env: { PATH: process.env.PATH ?? '', ...compileCacheEnv(), ...options.env },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (this.#child.pid === undefined) throw new Error(`could not start ${file}`);
    this.pid = this.#child.pid;
    live.add(this);
    const keep = (lines: string[], limit: number) => (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() === '') continue;
        lines.push(line);
        if (lines.length > limit) lines.shift();
      }
    };
    this.#child.stdout?.on('data', keep(this.output, OUTPUT_LINES_KEPT));
    this.#child.stderr?.on('data', keep(this.output, OUTPUT_LINES_KEPT));
    this.#child.stderr?.on('data', keep(this.stderrTail, STDERR_LINES_KEPT));
    this.exited = new Promise((resolve) => {
      this.#child.once('exit', (code, signal) => {
        this.status = 'exited';
        this.exitCode = code;
        this.exitSignal = signal;
        live.delete(this);
        // The group may still hold grandchildren; they die with their leader's task.
        this.killGroup('SIGKILL');
        options.onExit?.(code, signal);
        resolve();
      });
    });
  }

  /** Polls the health URL until it answers 200, the process exits, or the timeout passes. */
  async waitHealthy(timeoutMs: number, pollMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && this.status === 'starting') {
      if (await this.probe(Math.min(1000, Math.max(100, pollMs * 4)))) {
        if (this.status === 'starting') this.status = 'healthy';
        return this.status === 'healthy';
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
    return this.status === 'healthy';
  }

  async probe(timeoutMs: number): Promise<boolean> {
    try {
      const response = await fetch(this.healthUrl, { signal: AbortSignal.timeout(timeoutMs) });
      await response.arrayBuffer();
      return response.status === 200;
    } catch {
      return false;
    }
  }

  async stop(graceMs: number): Promise<void> {
    if (this.status === 'exited') return;
    this.status = 'stopping';
    this.killGroup('SIGTERM');
    const timer = setTimeout(() => this.killGroup('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  killGroup(signal: NodeJS.Signals): void {
    try {
      process.kill(-this.pid, signal);
    } catch {
      // Already gone.
    }
  }
}

/** PIDs of every task process still alive in this parent (for leak checks in tests). */
export function livePids(): number[] {
  return [...live].map((task) => task.pid);
}
