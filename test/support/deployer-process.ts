// Runs the real deployer (`node deployer/main.ts`) as a child process and talks to it over HTTP only.
// The listening URL comes from its own `deployer listening` log line (PORT=0 picks a free port).
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import type { DeployerStatus, ServiceStatus } from '../../deployer/contract/status-model.ts';
import { compileCacheEnv } from '../../local/tasks/compile-cache.ts';
import { githubDelivery } from './github-webhook.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const START_TIMEOUT_MS = 60_000;
/**
 * waitFor's polls of /status: the first after 50 ms (what an action changes often shows at once), then
 * each 1.5x further apart up to 250 ms. A poll costs ~1.6 ms of the deployer's CPU and ~2.6 ms of the
 * test's (measured on the shared 2-core machine), so a fixed 50 ms cost 8 % of a core for as long as a
 * test waited. A test that must see a short-lived state (strategies.test.ts: each 400 ms linear step)
 * passes a lower maxPollMs.
 */
const WAIT_POLL_FIRST_MS = 50;
const WAIT_POLL_MAX_MS = 250;

export interface DeployerProcess {
  url: string;
  child: ChildProcess;
  /** Parsed JSON log lines so far. */
  logs(): Record<string, unknown>[];
  /** Everything written to stdout and stderr so far (for failure messages). */
  output(): string;
  status(): Promise<DeployerStatus>;
  service(name: string): Promise<ServiceStatus>;
  /** GETs a JSON answer with the deployer's STATUS_TOKEN; throws on a non-2xx answer. */
  getJson<T>(pathname: string): Promise<T>;
  /** POSTs (a JSON body, if any) with the deployer's STATUS_TOKEN: the API levers as an operator pulls them. */
  post(pathname: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }>;
  metrics(): Promise<string>;
  /** ecs_gitops_events_total for one source (github, ecr, resync, reconcile): messages received. */
  eventCount(source: string): Promise<number>;
  /**
   * Polls /status until `probe` returns a value; fails with the last status and the log tail. The
   * polls start 50 ms apart and spread out to `maxPollMs` (default 250): a poll costs ~4 ms of CPU
   * (the deployer's and the test's), and most waits last seconds.
   */
  waitFor<T>(
    what: string,
    probe: (status: DeployerStatus) => T | undefined,
    timeoutMs?: number,
    maxPollMs?: number,
  ): Promise<T>;
  /** Sends a signed delivery (or any headers/body) to the webhook. */
  webhook(delivery: {
    headers: Record<string, string>;
    body: string;
  }): Promise<{ status: number; body: unknown }>;
  signedPush(
    event: string,
    payload: unknown,
    deliveryId?: string,
  ): Promise<{ status: number; body: unknown }>;
  /** SIGTERM (default) and wait for the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** SIGTERM, then SIGKILL if still running after `graceMs` (cleanup that lets the deployer stop its children). */
  shutdown(graceMs?: number): Promise<void>;
}

export interface SpawnDeployerOptions {
  env: Record<string, string>;
  /**
   * How long to wait for the `deployer listening` line. An upper bound: a second when idle, but a
   * loaded 2-core machine running several test files at once has needed more than 15 s.
   */
  startTimeoutMs?: number;
}

/** The deployer process itself: its output kept (and JSON log lines parsed on demand) and its exit. */
export interface LaunchedDeployer {
  child: ChildProcess;
  /** The exit code (null after a signal) once the process has ended. */
  exited: Promise<number | null>;
  /** Everything written to stdout and stderr so far (the newest `keepChunks` chunks). */
  output(): string;
  /** The JSON log lines so far. */
  logs(): Record<string, unknown>[];
  /** The last 40 lines of output, for failure messages. */
  tail(): string;
  /** The URL of its `deployer listening` line; rejects (and kills it) if it exits or times out first. */
  listening(timeoutMs?: number): Promise<string>;
}

export interface LaunchOptions {
  /** Output chunks kept (a 10,000-service benchmark writes more than a test wants to hold). */
  keepChunks?: number;
}

/**
 * Starts `node deployer/main.ts` as production runs it: its own process, configured by `env` only.
 * Shared by the tests' spawnDeployer and the benchmarks' (bench/support/deployer-process.ts), so the
 * two run the deployer the same way.
 */
export function launchDeployer(env: Record<string, string>, options: LaunchOptions = {}): LaunchedDeployer {
  const child = spawn(process.execPath, ['deployer/main.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      // Tests parse the log lines: JSON even in local mode (whose default is pino-pretty).
      LOG_FORMAT: 'json',
      ...compileCacheEnv(),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keepChunks = options.keepChunks ?? Number.POSITIVE_INFINITY;
  const chunks: string[] = [];
  const keep = (chunk: Buffer) => {
    chunks.push(chunk.toString('utf8'));
    if (chunks.length > keepChunks) chunks.splice(0, chunks.length - keepChunks);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const output = () => chunks.join('');
  const logs = () => output().split('\n').flatMap(parseLogLine);
  const tail = () => output().split('\n').slice(-40).join('\n');

  const listening = (timeoutMs = START_TIMEOUT_MS) =>
    new Promise<string>((resolve, reject) => {
      const deadline = setTimeout(() => {
        clearInterval(poll);
        child.kill('SIGKILL');
        reject(new Error(`deployer did not start within ${timeoutMs} ms:\n${tail()}`));
      }, timeoutMs);
      const poll = setInterval(() => {
        const line = logs().find((entry) => entry.msg === 'deployer listening');
        if (!line) return;
        clearInterval(poll);
        clearTimeout(deadline);
        resolve(String(line.url));
      }, 20);
      exited.then((code) => {
        clearInterval(poll);
        clearTimeout(deadline);
        reject(new Error(`deployer exited with ${code} before listening:\n${tail()}`));
      });
    });
  return { child, exited, output, logs, tail, listening };
}

function parseLogLine(line: string): Record<string, unknown>[] {
  if (!line.startsWith('{')) return [];
  try {
    return [JSON.parse(line) as Record<string, unknown>];
  } catch {
    return []; // not a log line (the banner), or one cut by the chunk limit
  }
}

export async function spawnDeployer(options: SpawnDeployerOptions): Promise<DeployerProcess> {
  const env: Record<string, string> = { PORT: '0', ...options.env };
  const { child, exited, output, logs, tail, listening } = launchDeployer(env);
  const url = await listening(options.startTimeoutMs ?? START_TIMEOUT_MS);

  const auth: Record<string, string> = env.STATUS_TOKEN
    ? { authorization: `Bearer ${env.STATUS_TOKEN}` }
    : {};
  const getJson = async <T>(pathname: string): Promise<T> => {
    const response = await fetch(`${url}${pathname}`, { headers: auth });
    if (!response.ok)
      throw new Error(`GET ${pathname} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as T;
  };
  const process_: DeployerProcess = {
    url,
    child,
    logs,
    output,
    status: () => getJson<DeployerStatus>('/status'),
    service: (name) => getJson<ServiceStatus>(`/status/${encodeURIComponent(name)}`),
    getJson,
    async post(pathname, body) {
      const response = await fetch(`${url}${pathname}`, {
        method: 'POST',
        headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    },
    async metrics() {
      const response = await fetch(`${url}/metrics`, { headers: auth });
      return response.text();
    },
    async eventCount(source) {
      const match = new RegExp(`^ecs_gitops_events_total\\{source="${source}"\\} (\\d+)$`, 'm').exec(
        await process_.metrics(),
      );
      return Number(match?.[1] ?? 0);
    },
    async waitFor(what, probe, timeoutMs = 60_000, maxPollMs = WAIT_POLL_MAX_MS) {
      const deadline = Date.now() + timeoutMs;
      let last: DeployerStatus | undefined;
      let pollMs = WAIT_POLL_FIRST_MS;
      for (;;) {
        try {
          last = await process_.status();
          const value = probe(last);
          if (value !== undefined && value !== false) return value;
        } catch (error) {
          if (child.exitCode !== null)
            throw new Error(`deployer exited (${child.exitCode}) while waiting for ${what}:\n${tail()}`);
          if (Date.now() > deadline) throw error;
        }
        if (Date.now() > deadline)
          throw new Error(
            `timed out waiting for ${what}; last status:\n${JSON.stringify(last?.services.map(brief), null, 2)}\nconfig: ${JSON.stringify(last?.config)}\nlog tail:\n${tail()}`,
          );
        await new Promise((resolve) => setTimeout(resolve, pollMs));
        pollMs = Math.min(maxPollMs, Math.round(pollMs * 1.5));
      }
    },
    async webhook(delivery) {
      const response = await fetch(`${url}/webhooks/github`, {
        method: 'POST',
        headers: delivery.headers,
        body: delivery.body,
      });
      const body = response.status === 204 ? undefined : ((await response.json()) as unknown);
      return { status: response.status, body };
    },
    signedPush(event, payload, deliveryId) {
      const secret = env.GITHUB_WEBHOOK_SECRET ?? '';
      return process_.webhook(githubDelivery(secret, event, payload, deliveryId ? { deliveryId } : {}));
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      return exited;
    },
    async shutdown(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
      child.kill('SIGTERM');
      await exited;
      clearTimeout(kill);
    },
  };
  return process_;
}

/** The parts of a service status worth printing when a wait fails. */
function brief(service: ServiceStatus) {
  return {
    name: service.name,
    sync: service.sync,
    desired: service.desired?.tag ?? service.desired?.digest,
    live: service.live?.digest,
    step: service.currentRollout?.step,
    recent: service.recentRollouts
      .slice(0, 3)
      .map((r) => `${r.result} ${r.reason} ${r.to.tag ?? r.to.digest}`),
    failed: service.failedDigests.map((f) => f.reason),
  };
}

/** A waitFor probe: the named service Synced on `digest` with no rollout in flight. */
export const syncedOn =
  (name: string, digest: string) =>
  (status: DeployerStatus): ServiceStatus | undefined =>
    status.services.find(
      (s) =>
        s.name === name &&
        s.sync.state === 'Synced' &&
        s.live?.digest === digest &&
        s.currentRollout === null,
    );
