// Spawns the real deployer (`node deployer/main.ts`, aws mode) against a local world, as production
// runs it: a separate process talking to AWS-compatible endpoints. Used by the footprint benchmark
// and the chaos test/benchmark.
import type { ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../local/tasks/free-port.ts';
import { launchDeployer } from '../../test/support/deployer-process.ts';
import { REPO_ROOT } from './repo-root.ts';

export const DEPLOYER_ENTRY = join(REPO_ROOT, 'deployer', 'main.ts');
export const STATUS_TOKEN = 'bench-status-token';
export const WEBHOOK_SECRET = 'bench-webhook-secret';

export interface ServiceYaml {
  name: string;
  repository: string;
  /** Tracking policy line(s) under `image:`; default `track: { latest: true }`. */
  track?: string;
  verifyUrl?: string;
  /** Consecutive good probes (default 1) and seconds between them (default 0.1). */
  verifySuccesses?: number;
  verifyIntervalSeconds?: number;
  distributionId?: string;
  cluster?: string;
  service?: string;
}

export function serviceYaml(spec: ServiceYaml): string {
  const lines = [
    `name: ${spec.name}`,
    `cluster: ${spec.cluster ?? 'gitops'}`,
    `service: ${spec.service ?? spec.name}`,
    `container: ${spec.name}`,
    'image:',
    `  repository: ${spec.repository}`,
    `  ${spec.track ?? 'track: { latest: true }'}`,
  ];
  if (spec.verifyUrl)
    lines.push(
      'verify:',
      `  url: ${spec.verifyUrl}`,
      '  successes: 1',
      '  intervalSeconds: 0.1',
      '  timeoutSeconds: 20',
    );
  if (spec.distributionId) lines.push('cdn:', `  distributionId: ${spec.distributionId}`);
  lines.push('rollout:', '  timeoutSeconds: 60');
  return `${lines.join('\n')}\n`;
}

/** Writes `<tmp>/services/<name>.yaml` for each spec; returns the config directory. */
export async function writeConfigDir(specs: ServiceYaml[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ecs-gitops-bench-config-'));
  await mkdir(join(dir, 'services'));
  for (const spec of specs) await writeFile(join(dir, 'services', `${spec.name}.yaml`), serviceYaml(spec));
  return dir;
}

export interface DeployerProcess {
  child: ChildProcess;
  url: string;
  /** Everything the process wrote lately (pino JSON lines), for assertions and post-mortems. */
  output(): string;
  exited: Promise<number | null>;
  /** Milliseconds from spawn to the first 200 from /readyz. */
  waitReady(timeoutMs?: number): Promise<number>;
  rssBytes(): Promise<number>;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface SpawnDeployerOptions {
  worldEnv: Record<string, string>;
  configDir: string;
  env?: Record<string, string>;
}

/**
 * The deployer in aws mode against a world's endpoints, launched as the tests launch it
 * (test/support/deployer-process.ts), on a port known up front so readiness is timed from the spawn.
 */
export async function spawnDeployer(options: SpawnDeployerOptions): Promise<DeployerProcess> {
  const port = await freePort();
  const started = performance.now();
  const { child, exited, output, tail } = launchDeployer(
    {
      ...options.worldEnv,
      DEPLOYER_MODE: 'aws',
      // The local world's verify URL is its load balancer on 127.0.0.1.
      VERIFY_ALLOW_PRIVATE_NETWORKS: 'true',
      CONFIG_PATH: options.configDir,
      PORT: String(port),
      GITHUB_WEBHOOK_SECRET: WEBHOOK_SECRET,
      STATUS_TOKEN,
      WAIT_POLL_MS: '50',
      VISIBILITY_TIMEOUT_SECONDS: '10',
      HEARTBEAT_SECONDS: '3',
      ...options.env,
    },
    { keepChunks: 5000 },
  );
  const url = `http://127.0.0.1:${port}`;
  let exitCode: number | null | undefined;
  void exited.then((code) => {
    exitCode = code;
  });

  return {
    child,
    url,
    output,
    exited,
    async waitReady(timeoutMs = 30_000) {
      const deadline = started + timeoutMs;
      for (;;) {
        if (exitCode !== undefined)
          throw new Error(`deployer exited with ${exitCode} before ready:\n${tail()}`);
        try {
          const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(1000) });
          await response.arrayBuffer();
          if (response.status === 200) return performance.now() - started;
        } catch {
          // not listening yet
        }
        if (performance.now() > deadline)
          throw new Error(`deployer not ready within ${timeoutMs} ms:\n${tail()}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    rssBytes: () => processRssBytes(child.pid ?? 0),
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (exitCode === undefined) child.kill(signal);
      return exited;
    },
  };
}

/** V8 heap in use as the deployer reports it on /metrics (prom-client default metrics). */
export async function heapUsedFromMetrics(url: string): Promise<number | undefined> {
  const response = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${STATUS_TOKEN}` } });
  const text = await response.text();
  const match = /^nodejs_heap_size_used_bytes(?:\{[^}]*\})? ([0-9.e+]+)$/m.exec(text);
  return match ? Number(match[1]) : undefined;
}

/** Resident set size from /proc (Linux); the process must be alive. */
export async function processRssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]) * 1024;
}
