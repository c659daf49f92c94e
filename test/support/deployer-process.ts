// Runs the real deployer (`node deployer/main.ts`) as a child process and talks to it over HTTP only.
// The listening URL comes from its own `deployer listening` log line (PORT=0 picks a free port).
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import type { DeployerStatus, ServiceStatus } from '../../deployer/contract/status-model.ts';
import { githubDelivery } from './github-webhook.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const START_TIMEOUT_MS = 60_000;

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
  /** Polls /status until `probe` returns a value; fails with the last status and the log tail. */
  waitFor<T>(what: string, probe: (status: DeployerStatus) => T | undefined, timeoutMs?: number): Promise<T>;
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

export async function spawnDeployer(options: SpawnDeployerOptions): Promise<DeployerProcess> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    // Tests parse the log lines: JSON even in local mode (whose default is pino-pretty).
    LOG_FORMAT: 'json',
    // vitest.config.ts: one compile cache for every deployer the suite starts.
    ...(process.env.NODE_COMPILE_CACHE ? { NODE_COMPILE_CACHE: process.env.NODE_COMPILE_CACHE } : {}),
    ...options.env,
  };
  const child = spawn(process.execPath, ['deployer/main.ts'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const lines: Record<string, unknown>[] = [];
  let partial = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
    partial += chunk.toString('utf8');
    const complete = partial.split('\n');
    partial = complete.pop() ?? '';
    for (const line of complete) {
      if (!line.startsWith('{')) continue;
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // Not a log line (the banner).
      }
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const tail = () => text.split('\n').slice(-40).join('\n');

  const startTimeoutMs = options.startTimeoutMs ?? START_TIMEOUT_MS;
  const url = await new Promise<string>((resolve, reject) => {
    const deadline = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`deployer did not start within ${startTimeoutMs} ms:\n${tail()}`));
    }, startTimeoutMs);
    const poll = setInterval(() => {
      const listening = lines.find((line) => line.msg === 'deployer listening');
      if (listening) {
        clearInterval(poll);
        clearTimeout(deadline);
        resolve(String(listening.url));
      }
    }, 20);
    exited.then((code) => {
      clearInterval(poll);
      clearTimeout(deadline);
      reject(new Error(`deployer exited with ${code} before listening:\n${tail()}`));
    });
  });

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
    logs: () => [...lines],
    output: () => text,
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
    async waitFor(what, probe, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      let last: DeployerStatus | undefined;
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
        await new Promise((resolve) => setTimeout(resolve, 50));
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
