// A lean HTTP/1.1 load client for bench:actors: N keep-alive connections, one request in flight on
// each (no pipelining), the request bytes built once, responses framed by Content-Length only.
// autocannon spent about as much CPU per request as the bare node:http server it measured (~35 µs),
// so on two cores the client, not the server, set the pace; this one spends a fraction of that
// and reports its own CPU so a run can show it did not starve the servers.
// A connection is renewed when the server says `Connection: close` (gunicorn's sync worker does on
// every response) or after `maxRequestsPerConnection` (the service closes sockets at that count).
import { connect, type Socket } from 'node:net';

export interface LoadOptions {
  host: string;
  port: number;
  path: string;
  headers: Record<string, string>;
  connections: number;
  durationMs: number;
  maxRequestsPerConnection: number;
}

export interface LoadResult {
  /** Complete responses received within the run. */
  requests: number;
  non2xx: number;
  /** Socket errors and responses that could not be framed. */
  errors: number;
  /** Connections opened, the first ones included. */
  connects: number;
  wallMs: number;
  requestsPerSecond: number;
  /** Per-request latency, send → last byte, in ms. */
  latencyP50Ms: number;
  latencyP99Ms: number;
  /** This process's CPU time (user + system) during the run, per response, in µs. */
  clientCpuMicrosPerRequest: number;
  /** This process's CPU time over wall time: ~1 means the client had a whole core (it set the pace). */
  clientCoreShare: number;
}

const HEADER_END = Buffer.from('\r\n\r\n');

interface Framed {
  status: number;
  /** Bytes the whole response takes, headers included; undefined while incomplete. */
  length: number | undefined;
  close: boolean;
}

/** Frames the response at the start of `buffer`: status, total length, whether the server closes. */
function frame(buffer: Buffer): Framed | 'incomplete' | 'unframed' {
  const headerEnd = buffer.indexOf(HEADER_END);
  if (headerEnd < 0) return 'incomplete';
  const head = buffer.toString('latin1', 0, headerEnd).toLowerCase();
  const status = Number(head.slice(9, 12));
  // Header names are case-insensitive (lower-cased above); the value runs to the end of its line.
  const lengthHeader = /\r\ncontent-length:[ \t]*(\d+)/.exec(head);
  if (!lengthHeader) return 'unframed';
  const length = Number(lengthHeader[1]);
  const close = /\r\nconnection:\s*close/.test(head);
  const total = headerEnd + HEADER_END.length + length;
  return { status, length: buffer.length >= total ? total : undefined, close };
}

function percentileOf(sorted: Float64Array, fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? Number.NaN;
}

/** Loads host:port/path for durationMs, then waits for the requests in flight (a second at most). */
export function runLoad(options: LoadOptions): Promise<LoadResult> {
  const request = Buffer.from(
    `GET ${options.path} HTTP/1.1\r\nHost: ${options.host}:${options.port}\r\n${Object.entries(
      options.headers,
    )
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('')}\r\n`,
    'latin1',
  );
  let latencies = new Float64Array(65_536);
  let requests = 0;
  let non2xx = 0;
  let errors = 0;
  let connects = 0;
  let open = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const deadline = started + options.durationMs;

  return new Promise((resolve) => {
    const finish = () => {
      const wallMs = performance.now() - started;
      const cpu = process.cpuUsage(cpuBefore);
      const cpuMicros = cpu.user + cpu.system;
      const sorted = latencies.subarray(0, requests).sort();
      resolve({
        requests,
        non2xx,
        errors,
        connects,
        wallMs,
        requestsPerSecond: (requests * 1000) / wallMs,
        latencyP50Ms: percentileOf(sorted, 0.5),
        latencyP99Ms: percentileOf(sorted, 0.99),
        clientCpuMicrosPerRequest: requests > 0 ? cpuMicros / requests : Number.NaN,
        clientCoreShare: cpuMicros / 1000 / wallMs,
      });
    };
    const hardStop = setTimeout(() => {
      for (const socket of sockets) socket.destroy();
    }, options.durationMs + 1000);
    const sockets = new Set<Socket>();

    const record = (status: number, sentAt: number) => {
      if (requests === latencies.length) {
        const grown = new Float64Array(latencies.length * 2);
        grown.set(latencies);
        latencies = grown;
      }
      latencies[requests] = performance.now() - sentAt;
      requests += 1;
      if (status < 200 || status > 299) non2xx += 1;
    };

    const openConnection = () => {
      connects += 1;
      open += 1;
      const socket = connect({ host: options.host, port: options.port, noDelay: true });
      sockets.add(socket);
      let pending: Buffer | undefined;
      let sentAt = 0;
      let served = 0;
      let inFlight = false;
      const send = () => {
        sentAt = performance.now();
        inFlight = true;
        socket.write(request);
      };
      socket.once('connect', send);
      socket.on('data', (chunk: Buffer) => {
        pending = pending ? Buffer.concat([pending, chunk]) : chunk;
        const framed = frame(pending);
        if (framed === 'incomplete') return;
        if (framed === 'unframed') {
          errors += 1;
          inFlight = false;
          socket.destroy();
          return;
        }
        if (framed.length === undefined) return;
        if (framed.length !== pending.length) {
          // One request in flight: anything after its response is a protocol error.
          errors += 1;
          inFlight = false;
          socket.destroy();
          return;
        }
        pending = undefined;
        inFlight = false;
        served += 1;
        record(framed.status, sentAt);
        if (performance.now() >= deadline) {
          socket.destroy();
        } else if (framed.close || served >= options.maxRequestsPerConnection) {
          socket.destroy();
        } else {
          send();
        }
      });
      // Counted on 'close' (a request in flight that got no answer): 'error' is always followed by it.
      socket.on('error', () => {});
      socket.once('close', () => {
        sockets.delete(socket);
        open -= 1;
        // A connection closed under a request is an error; either way the load goes on until the deadline.
        if (inFlight) errors += 1;
        if (performance.now() < deadline) openConnection();
        else if (open === 0) {
          clearTimeout(hardStop);
          finish();
        }
      });
    };
    for (let index = 0; index < options.connections; index += 1) openConnection();
  });
}
