// GET /actors with basic auth on the real actors service vs a bare node:http server returning the
// same bytes: requests per second of each, one server process each, autocannon in this process, on
// loopback. Target: the service reaches >= 70 % of the bare server. A bare Fastify server with the
// same bytes is measured too, to tell the framework's cost from the service's own. Run: npm run bench:actors
// BENCH_DURATION (seconds per measured run, default 2), BENCH_ROUNDS (default 7), BENCH_CONNECTIONS (10).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon, { type Result } from 'autocannon';
import { freePort } from '../local/tasks/free-port.ts';
import { machineLine } from './support/machine.ts';
import { REPO_ROOT } from './support/repo-root.ts';
import { formatMs, formatRatio, percentile } from './support/stats.ts';
import { printTable, type Row } from './support/table.ts';

const DURATION = Number(process.env.BENCH_DURATION ?? 2);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const WARMUP = 2;
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const USER = 'bench';
const PASSWORD = 'bench-password-0123456789';
const AUTH = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;

interface Server {
  url: string;
  child: ChildProcess;
}

async function startProcess(args: string[], env: Record<string, string>): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`${args.join(' ')} exited with ${child.exitCode}: ${stderr}`);
    try {
      await fetch(url, { signal: AbortSignal.timeout(500) }).then((response) => response.arrayBuffer());
      return { url, child };
    } catch {
      if (Date.now() > deadline) throw new Error(`${args.join(' ')} did not listen within 15 s: ${stderr}`);
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

async function load(url: string, duration: number): Promise<Result> {
  const result = await autocannon({
    url: `${url}/actors`,
    connections: CONNECTIONS,
    duration,
    headers: { authorization: AUTH },
  });
  if (result.errors > 0 || result.non2xx > 0)
    throw new Error(`${url}/actors: ${result.errors} errors, ${result.non2xx} non-2xx responses under load`);
  return result;
}

async function main(): Promise<void> {
  if (!existsSync(join(REPO_ROOT, 'service', 'main.ts'))) {
    process.stdout.write('bench:actors: service/main.ts does not exist yet; nothing to measure\n');
    return;
  }
  process.stdout.write(`${machineLine()}\n`);
  const scratch = await mkdtemp(join(tmpdir(), 'ecs-gitops-bench-actors-'));
  const servers: Server[] = [];
  try {
    const service = await startProcess(['service/main.ts'], {
      ACTORS_AUTH_USER: USER,
      ACTORS_AUTH_PASSWORD: PASSWORD,
      NODE_ENV: 'production',
    });
    servers.push(service);
    const sample = await fetch(`${service.url}/actors`, { headers: { authorization: AUTH } });
    if (sample.status !== 200) throw new Error(`GET /actors with basic auth answered ${sample.status}`);
    const body = Buffer.from(await sample.arrayBuffer());
    const contentType = sample.headers.get('content-type') ?? 'application/json';
    const bodyFile = join(scratch, 'actors.json');
    await writeFile(bodyFile, body);
    const bare = await startProcess(['bench/support/bare-http-server.ts'], {
      BODY_FILE: bodyFile,
      CONTENT_TYPE: contentType,
    });
    servers.push(bare);
    const fastify = await startProcess(['bench/support/bare-fastify-server.ts'], {
      BODY_FILE: bodyFile,
      CONTENT_TYPE: contentType,
    });
    servers.push(fastify);

    process.stdout.write(
      `GET /actors: ${body.length} bytes, ${CONNECTIONS} connections, ${WARMUP} s warm-up, then ${ROUNDS} interleaved rounds of ${DURATION} s per server (median round reported)\n`,
    );
    const targets = { service, bare, fastify };
    for (const target of Object.values(targets)) await load(target.url, WARMUP);
    // Interleaved rounds: load on a shared machine drifts, and each server sees the same drift.
    const rounds: Record<keyof typeof targets, Result[]> = { service: [], bare: [], fastify: [] };
    for (let round = 0; round < ROUNDS; round += 1)
      for (const [name, target] of Object.entries(targets) as [keyof typeof targets, Server][])
        rounds[name].push(await load(target.url, DURATION));
    const median = (results: Result[]): Result =>
      [...results].sort((a, b) => a.requests.average - b.requests.average)[
        Math.floor(results.length / 2)
      ] as Result;
    const serviceResult = median(rounds.service);
    const bareResult = median(rounds.bare);
    const fastifyResult = median(rounds.fastify);
    const row = (name: string, result: Result, all: Result[]): Row => [
      name,
      result.requests.average.toFixed(0),
      formatRatio(result.requests.average / bareResult.requests.average),
      all.map((r) => r.requests.average.toFixed(0)).join(' / '),
      formatMs(result.latency.p50),
      formatMs(result.latency.p99),
    ];
    printTable(
      'Requests per second (higher is better)',
      ['server', 'req/s (median round)', 'vs bare', 'each round', 'latency p50', 'latency p99'],
      [
        row('actors service (fastify, basic auth, response schema)', serviceResult, rounds.service),
        row('bare node:http, same bytes (baseline)', bareResult, rounds.bare),
        row('bare fastify, same bytes (reference)', fastifyResult, rounds.fastify),
      ],
    );
    // Paired ratios: each round's servers ran back to back, so their ratio cancels most of the drift.
    const ratios = (name: 'service' | 'fastify') =>
      rounds[name].map(
        (result, index) => result.requests.average / (rounds.bare[index]?.requests.average ?? Number.NaN),
      );
    const summary = (values: number[]) =>
      `${formatRatio(percentile(values, 50))} (rounds ${formatRatio(Math.min(...values))}-${formatRatio(Math.max(...values))})`;
    const serviceRatios = ratios('service');
    const ratio = percentile(serviceRatios, 50);
    printTable(
      'Paired ratio per round (median, range)',
      ['comparison', 'ratio'],
      [
        ['actors service / bare node:http', summary(serviceRatios)],
        ['bare fastify / bare node:http', summary(ratios('fastify'))],
      ],
    );
    process.stdout.write(
      `\nactors / bare = ${(ratio * 100).toFixed(0)} % (median of ${ROUNDS} paired rounds; target >= 70 %: ${ratio >= 0.7 ? 'met' : 'NOT met'})\n`,
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
