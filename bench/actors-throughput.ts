// GET /actors with basic auth on the actors service, run exactly as Dockerfile.service ships it
// (its CMD, its ENV: NODE_ENV=production, no LOG_LEVEL, so info logging; stdout to a file as a
// container's log driver would take it), against two named baselines:
// - goal 1 (>= 0.85x): a bare node:http server doing the same basic-auth check and routing with
//   the same bytes; bare Fastify with the same auth is a reference that tells the framework's cost
//   from the service's own;
// - goal 2 (>= 9x): the original stack, Flask under gunicorn with one sync worker
//   (bench/flask/actors_app.py), when a Python with flask and gunicorn is found; otherwise the run
//   says so and prints how to get it.
// One process per server, the load client (support/http-load.ts) in this process, loopback,
// rounds of short interleaved turns (the order reversed every other turn), each ratio paired within
// a round and the median over rounds taken. Two measures: requests/s, and CPU time per request of
// each server process (all threads; gunicorn's master and worker) from /proc, which a busy shared
// machine disturbs far less, split into user time (the server's own code: what a framework adds
// shows here) and system time (mostly the kernel's socket work). The client's own CPU is reported
// so a run shows whether it, not a server, set the pace.
// Run: npm run bench:actors
// BENCH_DURATION (seconds per server per round, default 2), BENCH_SLICES (turns it is cut into, 4),
// BENCH_ROUNDS (7), BENCH_CONNECTIONS (10). BENCH_COMPARE_SERVICE=<dir>[,<dir>…] (other checkouts,
// each with node_modules) adds their services as more rows: before/after in the same run.
// BENCH_FLASK_PYTHON, BENCH_GUNICORN_DIR: see support/flask-gunicorn.ts.
import { type ChildProcess, spawn } from 'node:child_process';
import { openSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { SERVER_LIMITS } from '../common/server-limits.ts';
import { freePort } from '../local/tasks/free-port.ts';
import { findFlaskGunicorn, GET_GUNICORN, gunicornArgs } from './support/flask-gunicorn.ts';
import { type LoadResult, runLoad } from './support/http-load.ts';
import { machineLine } from './support/machine.ts';
import { processTreeCpuNs, processTreeUserSystemNs } from './support/process-cpu.ts';
import { REPO_ROOT } from './support/repo-root.ts';
import { shippedImage } from './support/shipped-image.ts';
import { formatMs, formatRatio, percentile } from './support/stats.ts';
import { printTable, type Row } from './support/table.ts';

const DURATION_MS = Number(process.env.BENCH_DURATION ?? 2) * 1000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const WARMUP_MS = 2000;
/** Unmeasured load on a server right before each of its measured turns (see the rounds below). */
const PRIME_MS = 100;
/** Turns per server in a round (BENCH_SLICES): shorter turns pair the servers closer in time. */
const SLICES = Number(process.env.BENCH_SLICES ?? 4);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const TARGET_VS_BARE = 0.85;
const TARGET_VS_FLASK = 9;
/** Above this share of a core the client, not the server, may be what limits requests/s. */
const CLIENT_BOUND_SHARE = 0.85;
const CREDENTIALS = { ACTORS_AUTH_USER: 'bench', ACTORS_AUTH_PASSWORD: 'bench-password-0123456789' };
const AUTH = `Basic ${Buffer.from(`${CREDENTIALS.ACTORS_AUTH_USER}:${CREDENTIALS.ACTORS_AUTH_PASSWORD}`).toString('base64')}`;

interface Server {
  name: string;
  port: number;
  child: ChildProcess;
  /** Where its stdout (the log) goes. */
  logFile: string;
}

/** One server's share of a round: its slices added up. */
interface Round {
  requests: number;
  requestsPerSecond: number;
  /** The server's CPU time per response, µs. */
  serverCpuMicros: number;
  /** The same split into user (the server's own code) and system (mostly socket work), µs. */
  userMicros: number;
  systemMicros: number;
  /** Latency percentiles of the round's middle slice. */
  latencyP50Ms: number;
  latencyP99Ms: number;
  clientCpuMicrosPerRequest: number;
  clientCoreShare: number;
}

interface Slice {
  load: LoadResult;
  cpuNs: number;
  userNs: number;
  systemNs: number;
}

async function startProcess(
  name: string,
  command: { program: string; args: (port: number) => string[]; env: Record<string, string>; cwd?: string },
  scratch: string,
): Promise<Server> {
  const port = await freePort();
  const logFile = join(scratch, `${name.replace(/\W+/g, '-')}.log`);
  const cwd = command.cwd ?? REPO_ROOT;
  const child = spawn(command.program, command.args(port), {
    cwd,
    // Only loopback and the port differ from the image; the log level is the image's.
    env: { PATH: process.env.PATH ?? '', ...command.env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', openSync(logFile, 'w'), 'pipe'],
  });
  let stderr = '';
  let spawnError: Error | undefined;
  child.stderr?.on('data', (chunk: Buffer) => {
    if (stderr.length < 64 * 1024) stderr += chunk.toString('utf8');
  });
  child.once('error', (error) => {
    spawnError = error;
  });
  const deadline = Date.now() + 15_000;
  for (;;) {
    const failure = spawnError
      ? `${name} could not start in ${cwd}: ${spawnError.message}`
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
      await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(500) }).then((response) =>
        response.arrayBuffer(),
      );
      return { name, port, child, logFile };
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

async function load(server: Server, durationMs: number): Promise<LoadResult> {
  const result = await runLoad({
    host: '127.0.0.1',
    port: server.port,
    path: '/actors',
    headers: { Authorization: AUTH },
    connections: CONNECTIONS,
    durationMs,
    // The service closes a keep-alive socket after this many requests (then 503s anything more on
    // it, as Node does); every server's connections are renewed at that count, as a load balancer's are.
    maxRequestsPerConnection: SERVER_LIMITS.maxRequestsPerSocket,
  });
  if (result.errors > 0 || result.non2xx > 0)
    throw new Error(
      `${server.name}: ${result.errors} errors (a connection closed under a request, or a response without Content-Length), ${result.non2xx} non-2xx responses under load`,
    );
  return result;
}

async function measureSlice(server: Server, durationMs: number): Promise<Slice> {
  const pid = server.child.pid ?? 0;
  const before = processTreeCpuNs(pid);
  const splitBefore = processTreeUserSystemNs(pid);
  const result = await load(server, durationMs);
  const after = processTreeCpuNs(pid);
  const splitAfter = processTreeUserSystemNs(pid);
  const delta = (from: number | undefined, to: number | undefined) =>
    from !== undefined && to !== undefined ? to - from : Number.NaN;
  return {
    load: result,
    cpuNs: delta(before, after),
    userNs: delta(splitBefore?.userNs, splitAfter?.userNs),
    systemNs: delta(splitBefore?.systemNs, splitAfter?.systemNs),
  };
}

function roundOf(slices: Slice[]): Round {
  const sum = (pick: (slice: Slice) => number) => slices.reduce((total, slice) => total + pick(slice), 0);
  const requests = sum((slice) => slice.load.requests);
  const wallMs = sum((slice) => slice.load.wallMs);
  const clientCpuMicros = sum((slice) => slice.load.clientCpuMicrosPerRequest * slice.load.requests);
  const middle = slices[Math.floor(slices.length / 2)]?.load;
  return {
    requests,
    requestsPerSecond: (requests * 1000) / wallMs,
    serverCpuMicros: sum((slice) => slice.cpuNs) / 1000 / requests,
    userMicros: sum((slice) => slice.userNs) / 1000 / requests,
    systemMicros: sum((slice) => slice.systemNs) / 1000 / requests,
    latencyP50Ms: middle?.latencyP50Ms ?? Number.NaN,
    latencyP99Ms: middle?.latencyP99Ms ?? Number.NaN,
    clientCpuMicrosPerRequest: clientCpuMicros / requests,
    clientCoreShare: clientCpuMicros / 1000 / wallMs,
  };
}

const oneMinuteLoad = () => loadavg()[0] ?? Number.NaN;

function loadLine(): string {
  const [one, five] = loadavg();
  return `load average ${one?.toFixed(1)} (1 min) ${five?.toFixed(1)} (5 min)`;
}

async function fetchActors(server: Server): Promise<{ body: Buffer; contentType: string }> {
  const response = await fetch(`http://127.0.0.1:${server.port}/actors`, {
    headers: { authorization: AUTH },
  });
  if (response.status !== 200)
    throw new Error(`${server.name}: GET /actors with basic auth answered ${response.status}`);
  return {
    body: Buffer.from(await response.arrayBuffer()),
    contentType: response.headers.get('content-type') ?? 'application/json',
  };
}

const median = (values: readonly number[]) => percentile(values, 50);
const range = (values: number[]) =>
  values.length === 0
    ? 'n/a'
    : `${formatRatio(median(values))} (${formatRatio(Math.min(...values))}-${formatRatio(Math.max(...values))})`;

async function main(): Promise<void> {
  process.stdout.write(`${machineLine()}\n`);
  const shipped = shippedImage('Dockerfile.service');
  process.stdout.write(
    `actors service as Dockerfile.service ships it: node ${shipped.args.join(' ')} with ${Object.entries(
      shipped.env,
    )
      .map(([name, value]) => `${name}=${value}`)
      .join(' ')} (LOG_LEVEL ${shipped.env.LOG_LEVEL ?? 'unset: info'})\n`,
  );
  const flask = findFlaskGunicorn();
  process.stdout.write(
    flask
      ? `Flask+gunicorn baseline: ${flask.versions}, 1 sync worker (${flask.python}${flask.pythonPath ? `, PYTHONPATH=${flask.pythonPath}` : ''})\n`
      : `Flask+gunicorn baseline NOT AVAILABLE (no Python here imports flask and gunicorn): goal 2 is not measured. Get it with: ${GET_GUNICORN}\n`,
  );
  const scratch = await mkdtemp(join(tmpdir(), 'ecs-gitops-bench-actors-'));
  const servers: Server[] = [];
  const node = (args: string[], env: Record<string, string>, cwd?: string) => ({
    program: process.execPath,
    args: () => args,
    env,
    ...(cwd ? { cwd } : {}),
  });
  const start = async (name: string, command: Parameters<typeof startProcess>[1]) => {
    const server = await startProcess(name, command, scratch);
    servers.push(server);
    return server;
  };
  try {
    const service = await start('actors service', node(shipped.args, { ...shipped.env, ...CREDENTIALS }));
    for (const dir of (process.env.BENCH_COMPARE_SERVICE ?? '').split(',').filter(Boolean))
      await start(`actors service at ${dir}`, node(shipped.args, { ...shipped.env, ...CREDENTIALS }, dir));
    const sample = await fetchActors(service);
    const bodyFile = join(scratch, 'actors.json');
    await writeFile(bodyFile, sample.body);
    const same = { BODY_FILE: bodyFile, CONTENT_TYPE: sample.contentType, ...CREDENTIALS };
    const bare = await start(
      'bare node:http, same auth and routing (baseline 1)',
      node(['bench/support/bare-http-server.ts'], same),
    );
    await start('bare fastify, same auth (reference)', node(['bench/support/bare-fastify-server.ts'], same));
    const gunicorn = flask
      ? await start('Flask + gunicorn, 1 sync worker (baseline 2)', {
          program: flask.python,
          args: gunicornArgs,
          // No __pycache__ left in the checkout.
          env: {
            ...CREDENTIALS,
            PYTHONDONTWRITEBYTECODE: '1',
            ...(flask.pythonPath ? { PYTHONPATH: flask.pythonPath } : {}),
          },
        })
      : undefined;
    if (gunicorn) {
      // The same data, or the comparison means nothing.
      const answer = await fetchActors(gunicorn);
      if (
        !isDeepStrictEqual(JSON.parse(answer.body.toString('utf8')), JSON.parse(sample.body.toString('utf8')))
      )
        throw new Error(
          'bench/flask/actors_app.py answers GET /actors with other data than service/: align them',
        );
    }

    process.stdout.write(
      `GET /actors: ${sample.body.length} bytes, ${CONNECTIONS} connections, ${WARMUP_MS / 1000} s warm-up, then ${ROUNDS} rounds of ${DURATION_MS / 1000} s per server, each in ${SLICES} interleaved turns (each after ${PRIME_MS} ms of unmeasured load on the same server)\n`,
    );
    for (const server of servers) await load(server, WARMUP_MS);
    const logBytesBefore = new Map(servers.map((server) => [server, statSync(server.logFile).size]));
    const rounds = new Map<Server, Round[]>(servers.map((server) => [server, []]));
    const loads: number[] = [oneMinuteLoad()];
    for (let round = 0; round < ROUNDS; round += 1) {
      // A round is SLICES short turns per server, taken in turn, so the servers compared in a round
      // ran within a second of each other and saw the same drift of a shared machine; reversing the
      // order every other turn keeps "always right after the baseline" from favouring one of them.
      // Reversing alone favoured the first and last servers: they get two turns back to back where
      // the order turns (A B C C B A A…), and a server loaded again at once runs with warm caches.
      // Two identical services in the first and middle places differed by 10-12 % of CPU per
      // request, in both orders. So every measured turn follows PRIME_MS of unmeasured load on the
      // same server: each turn starts warm, whatever ran before it.
      const slices = new Map<Server, Slice[]>(servers.map((server) => [server, []]));
      for (let turn = 0; turn < SLICES; turn += 1) {
        const order = turn % 2 === 0 ? servers : [...servers].reverse();
        for (const server of order) {
          await load(server, PRIME_MS);
          slices.get(server)?.push(await measureSlice(server, DURATION_MS / SLICES));
        }
      }
      for (const server of servers) rounds.get(server)?.push(roundOf(slices.get(server) ?? []));
      loads.push(oneMinuteLoad());
    }
    const loadDuring = `load average (1 min) ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)} during the rounds`;

    const of = (server: Server) => rounds.get(server) ?? [];
    const medianOf = (server: Server, pick: (round: Round) => number) => median(of(server).map(pick));
    /** Per round: a's req/s over b's; the rounds' median is the verdict (drift cancels within a round). */
    const rpsRatios = (a: Server, b: Server) =>
      of(a).map((round, index) => round.requestsPerSecond / (of(b)[index]?.requestsPerSecond ?? Number.NaN));
    /** Per round: b's CPU per request over a's, i.e. a's capacity relative to b's on the same core. */
    const cpuRatios = (a: Server, b: Server) =>
      of(a).map((round, index) => (of(b)[index]?.serverCpuMicros ?? Number.NaN) / round.serverCpuMicros);
    const logBytesPerRequest = (server: Server) => {
      const requests = of(server).reduce((sum, round) => sum + round.requests, 0);
      const bytes = statSync(server.logFile).size - (logBytesBefore.get(server) ?? 0);
      return requests > 0 ? (bytes / requests).toFixed(1) : 'n/a';
    };
    const row = (server: Server): Row => {
      const medianRound = [...of(server)].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond)[
        Math.floor(of(server).length / 2)
      ];
      return [
        server.name,
        medianOf(server, (round) => round.serverCpuMicros).toFixed(1),
        `${medianOf(server, (round) => round.userMicros).toFixed(1)} / ${medianOf(server, (round) => round.systemMicros).toFixed(1)}`,
        range(cpuRatios(server, bare)),
        (medianRound?.requestsPerSecond ?? Number.NaN).toFixed(0),
        range(rpsRatios(server, bare)),
        of(server)
          .map((round) => round.requestsPerSecond.toFixed(0))
          .join(' / '),
        formatMs(medianRound?.latencyP50Ms ?? Number.NaN),
        formatMs(medianRound?.latencyP99Ms ?? Number.NaN),
        `${medianOf(server, (round) => round.clientCpuMicrosPerRequest).toFixed(1)} / ${medianOf(server, (round) => round.clientCoreShare).toFixed(2)}`,
        logBytesPerRequest(server),
      ];
    };
    printTable(
      `GET /actors per server (CPU per request: lower is better; ratios: higher is better); ${loadDuring}`,
      [
        'server',
        'CPU µs/request',
        'user / system µs',
        'capacity vs baseline 1 (CPU ratio)',
        'req/s, median round',
        'req/s vs baseline 1',
        'each round',
        'latency p50',
        'latency p99',
        'client CPU µs/request / core share',
        'log bytes/request',
      ],
      servers.map(row),
    );

    const verdict = (value: number, target: number) => (value >= target ? 'met' : 'NOT met');
    const goalLine = (against: Server, target: number) => {
      const rps = median(rpsRatios(service, against));
      const cpu = median(cpuRatios(service, against));
      const byMedians =
        medianOf(against, (round) => round.serverCpuMicros) /
        medianOf(service, (round) => round.serverCpuMicros);
      return (
        `  req/s ${range(rpsRatios(service, against))} (${verdict(rps, target)}); ` +
        `CPU-time capacity ${range(cpuRatios(service, against))} (${verdict(cpu, target)}); ` +
        `by the medians of CPU per request ${formatRatio(byMedians)}\n`
      );
    };
    process.stdout.write(
      `\nGoal 1: actors service / bare node:http with the same auth, median of ${ROUNDS} paired rounds (target >= ${TARGET_VS_BARE}x):\n${goalLine(bare, TARGET_VS_BARE)}`,
    );
    process.stdout.write(
      gunicorn
        ? `Goal 2: actors service / Flask+gunicorn (1 sync worker), median of ${ROUNDS} paired rounds (target >= ${TARGET_VS_FLASK}x):\n${goalLine(gunicorn, TARGET_VS_FLASK)}`
        : `Goal 2: actors service / Flask+gunicorn NOT MEASURED: no Python with flask and gunicorn. Get it with: ${GET_GUNICORN}\n`,
    );
    const clientBound = servers.filter(
      (server) => medianOf(server, (round) => round.clientCoreShare) >= CLIENT_BOUND_SHARE,
    );
    process.stdout.write(
      clientBound.length > 0
        ? `  the load client used >= ${CLIENT_BOUND_SHARE} of a core against ${clientBound.map((server) => server.name).join(', ')}: req/s there may be the client's limit; read the CPU ratios\n`
        : `  the load client stayed under ${CLIENT_BOUND_SHARE} of a core against every server (it did not set the pace)\n`,
    );
    process.stdout.write(`  ${loadDuring}; ${loadLine()} at the end\n`);
  } finally {
    await Promise.all(servers.map(stopProcess));
    await rm(scratch, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:actors failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
