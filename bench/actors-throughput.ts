// GET /actors with basic auth on the actors service, run exactly as Dockerfile.service ships it
// (its CMD, its ENV: NODE_ENV=production, no LOG_LEVEL, so info logging; stdout to a file as a
// container's log driver would take it), vs a bare node:http server doing the same basic-auth check
// and routing with the same bytes (the named baseline). A bare Fastify server with the same auth is
// measured too, to tell the framework's cost from the service's own. One process per server,
// autocannon in this process, loopback, interleaved rounds. Target: >= 0.85x of the baseline.
// Run: npm run bench:actors
// BENCH_DURATION (seconds per measured run, default 2), BENCH_ROUNDS (default 7), BENCH_CONNECTIONS
// (10). BENCH_COMPARE_SERVICE=<dir>[,<dir>…] (other checkouts, each with node_modules) adds their
// services as more rows: before/after in the same run.
import { type ChildProcess, spawn } from 'node:child_process';
import { openSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon, { type Result } from 'autocannon';
import { SERVER_LIMITS } from '../common/server-limits.ts';
import { freePort } from '../local/tasks/free-port.ts';
import { machineLine } from './support/machine.ts';
import { processCpuNs } from './support/process-cpu.ts';
import { REPO_ROOT } from './support/repo-root.ts';
import { shippedImage } from './support/shipped-image.ts';
import { formatMs, formatRatio, percentile } from './support/stats.ts';
import { printTable, type Row } from './support/table.ts';

const DURATION = Number(process.env.BENCH_DURATION ?? 2);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const WARMUP = 2;
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const TARGET = 0.85;
const CREDENTIALS = { ACTORS_AUTH_USER: 'bench', ACTORS_AUTH_PASSWORD: 'bench-password-0123456789' };
const AUTH = `Basic ${Buffer.from(`${CREDENTIALS.ACTORS_AUTH_USER}:${CREDENTIALS.ACTORS_AUTH_PASSWORD}`).toString('base64')}`;

interface Server {
  name: string;
  url: string;
  child: ChildProcess;
  /** Where its stdout (the log) goes. */
  logFile: string;
}

/** Dockerfile.service's CMD arguments after `node` and its ENV: what the image runs. */
const shippedService = () => shippedImage('Dockerfile.service');

async function startProcess(
  name: string,
  args: string[],
  env: Record<string, string>,
  options: { cwd: string; scratch: string },
): Promise<Server> {
  const port = await freePort();
  const logFile = join(options.scratch, `${name.replace(/\W+/g, '-')}.log`);
  const child = spawn(process.execPath, args, {
    cwd: options.cwd,
    // Only loopback and the port differ from the image; the log level is the image's.
    env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', openSync(logFile, 'w'), 'pipe'],
  });
  let stderr = '';
  let spawnError: Error | undefined;
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  child.once('error', (error) => {
    spawnError = error;
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    const failure = spawnError
      ? `${name} could not start in ${options.cwd}: ${spawnError.message}`
      : child.exitCode !== null
        ? `${name} exited with ${child.exitCode}: ${stderr}`
        : Date.now() > deadline
          ? `${name} did not listen within 15 s: ${stderr}`
          : undefined;
    if (failure) {
      // Never leave a half-started server behind.
      child.kill('SIGKILL');
      throw new Error(failure);
    }
    try {
      await fetch(url, { signal: AbortSignal.timeout(500) }).then((response) => response.arrayBuffer());
      return { name, url, child, logFile };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

async function stopProcess(server: Server): Promise<void> {
  if (server.child.exitCode !== null) return;
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill('SIGTERM');
  const timer = setTimeout(() => server.child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

async function load(server: Server, duration: number): Promise<Result> {
  const result = await autocannon({
    url: `${server.url}/actors`,
    connections: CONNECTIONS,
    duration,
    headers: { authorization: AUTH },
    // The service closes a keep-alive socket after SERVER_LIMITS.maxRequestsPerSocket requests
    // (Connection: close, then 503 for anything more on it, as Node does); autocannon does not
    // honour Connection: close, so every server's connections are renewed at that count, as a real
    // client's (the load balancer's) would be.
    reconnectRate: SERVER_LIMITS.maxRequestsPerSocket,
  });
  if (result.errors > 0 || result.non2xx > 0)
    throw new Error(`${server.name}: ${result.errors} errors, ${result.non2xx} non-2xx responses under load`);
  return result;
}

function loadLine(): string {
  const [one, five] = loadavg();
  return `load average ${one?.toFixed(1)} (1 min) ${five?.toFixed(1)} (5 min)`;
}

async function main(): Promise<void> {
  process.stdout.write(`${machineLine()}\n`);
  const shipped = shippedService();
  process.stdout.write(
    `actors service as Dockerfile.service ships it: node ${shipped.args.join(' ')} with ${Object.entries(
      shipped.env,
    )
      .map(([name, value]) => `${name}=${value}`)
      .join(' ')} (LOG_LEVEL ${shipped.env.LOG_LEVEL ?? 'unset: info'})\n`,
  );
  const scratch = await mkdtemp(join(tmpdir(), 'ecs-gitops-bench-actors-'));
  const servers: Server[] = [];
  const start = async (name: string, args: string[], env: Record<string, string>, cwd = REPO_ROOT) => {
    const server = await startProcess(name, args, env, { cwd, scratch });
    servers.push(server);
    return server;
  };
  try {
    const service = await start('actors service', shipped.args, { ...shipped.env, ...CREDENTIALS });
    for (const dir of (process.env.BENCH_COMPARE_SERVICE ?? '').split(',').filter(Boolean))
      await start(`actors service at ${dir}`, shipped.args, { ...shipped.env, ...CREDENTIALS }, dir);
    const sample = await fetch(`${service.url}/actors`, { headers: { authorization: AUTH } });
    if (sample.status !== 200) throw new Error(`GET /actors with basic auth answered ${sample.status}`);
    const body = Buffer.from(await sample.arrayBuffer());
    const contentType = sample.headers.get('content-type') ?? 'application/json';
    const bodyFile = join(scratch, 'actors.json');
    await writeFile(bodyFile, body);
    const same = { BODY_FILE: bodyFile, CONTENT_TYPE: contentType, ...CREDENTIALS };
    const bare = await start(
      'bare node:http, same auth and routing (baseline)',
      ['bench/support/bare-http-server.ts'],
      same,
    );
    await start('bare fastify, same auth (reference)', ['bench/support/bare-fastify-server.ts'], same);

    process.stdout.write(
      `GET /actors: ${body.length} bytes, ${CONNECTIONS} connections, ${WARMUP} s warm-up, then ${ROUNDS} interleaved rounds of ${DURATION} s per server\n`,
    );
    for (const server of servers) await load(server, WARMUP);
    const logBytesBefore = new Map(servers.map((server) => [server, statSync(server.logFile).size]));
    // Interleaved rounds: load on a shared machine drifts, and each server sees the same drift.
    const rounds = new Map<Server, Result[]>(servers.map((server) => [server, []]));
    const cpuPerRequest = new Map<Server, number[]>(servers.map((server) => [server, []]));
    for (let round = 0; round < ROUNDS; round += 1)
      for (const server of servers) {
        const cpuBefore = processCpuNs(server.child.pid ?? 0);
        const result = await load(server, DURATION);
        const cpuAfter = processCpuNs(server.child.pid ?? 0);
        rounds.get(server)?.push(result);
        if (cpuBefore !== undefined && cpuAfter !== undefined)
          cpuPerRequest.get(server)?.push((cpuAfter - cpuBefore) / 1000 / result.requests.total);
      }
    const loadAfter = loadLine();

    const results = (server: Server) => rounds.get(server) ?? [];
    const cpu = (server: Server) => cpuPerRequest.get(server) ?? [];
    // Capacity: baseline CPU per request over this server's, per round; at the limit a
    // single-threaded server's throughput is the inverse of its CPU time per request.
    const capacityRatios = (server: Server) =>
      cpu(server).map((micros, index) => (cpu(bare)[index] ?? Number.NaN) / micros);
    const range = (values: number[]) =>
      values.length === 0
        ? 'n/a'
        : `${formatRatio(percentile(values, 50))} (${formatRatio(Math.min(...values))}-${formatRatio(Math.max(...values))})`;
    const median = (all: Result[]): Result =>
      [...all].sort((a, b) => a.requests.average - b.requests.average)[Math.floor(all.length / 2)] as Result;
    // Paired ratios: each round's servers ran back to back, so their ratio cancels most of the drift.
    const ratios = (server: Server) =>
      results(server).map(
        (result, index) => result.requests.average / (results(bare)[index]?.requests.average ?? Number.NaN),
      );
    const logBytesPerRequest = (server: Server) => {
      const requests = results(server).reduce((sum, result) => sum + result.requests.total, 0);
      const bytes = statSync(server.logFile).size - (logBytesBefore.get(server) ?? 0);
      return requests > 0 ? (bytes / requests).toFixed(1) : 'n/a';
    };
    const row = (server: Server): Row => {
      const all = results(server);
      return [
        server.name,
        cpu(server).length > 0 ? percentile(cpu(server), 50).toFixed(1) : 'n/a',
        range(capacityRatios(server)),
        median(all).requests.average.toFixed(0),
        range(ratios(server)),
        all.map((result) => result.requests.average.toFixed(0)).join(' / '),
        formatMs(median(all).latency.p50),
        formatMs(median(all).latency.p99),
        logBytesPerRequest(server),
      ];
    };
    printTable(
      `GET /actors per server (CPU per request: lower is better; ratios: higher is better); ${loadAfter} at the end`,
      [
        'server',
        'CPU µs/request',
        'capacity vs baseline (CPU ratio)',
        'req/s, median round',
        'req/s vs baseline',
        'each round',
        'latency p50',
        'latency p99',
        'log bytes/request',
      ],
      servers.map(row),
    );
    const ratio = percentile(ratios(service), 50);
    const capacity = percentile(capacityRatios(service), 50);
    const verdict = (value: number) => (value >= TARGET ? 'met' : 'NOT met');
    process.stdout.write(
      `\nactors service / bare node:http with the same auth (median of ${ROUNDS} paired rounds, target >= ${TARGET}x):\n` +
        `  req/s ratio ${formatRatio(ratio)} (${verdict(ratio)}); CPU-time capacity ratio ${formatRatio(capacity)} (${verdict(capacity)}); ${loadAfter}\n`,
    );
  } finally {
    await Promise.all(servers.map(stopProcess));
    await rm(scratch, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:actors failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
