// Slowloris against the deployer and the actors service over real loopback sockets: a client that
// sends one byte a second (in the headers, or in the body once the headers are in) is answered 408
// and cut at the servers' deadline, long before it could finish; and the servers as production builds
// them run with deadlines that cut it within 15 s. The sockets meet deadlines of 2 s (checked every
// 250 ms) given at the servers' start: with the production 10 s the file waited 11-12 s of wall for
// the same behaviour, while the values are the claim of the second test, read from the built servers.
import { connect } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVER_LIMITS, type SlowClientDeadlines } from '../../../common/server-limits.ts';
import { buildActorsApp } from '../../../service/app.ts';
import { testServer } from '../../support/test-server.ts';

const SHORT: SlowClientDeadlines = { headersTimeoutMs: 2_000, requestTimeoutMs: 2_000, checkIntervalMs: 250 };
const ACTORS = {
  credentials: { user: 'alice', password: 'slow-client' },
  version: { digest: null, revision: null, image: null, version: '0.0.0-test' },
};

/** One byte a second for up to this many seconds; the servers must cut the socket before the end. */
const DRIP_SECONDS = 25;

interface DripResult {
  /** Bytes the client had written when the server closed the socket. */
  bytesSent: number;
  /** What the server answered before closing, if anything. */
  answer: string;
  closedByServer: boolean;
}

/** Writes `head` at once, then the rest of `drip` one byte a second, until the server closes. */
function drip(port: number, head: string, dripped: string): Promise<DripResult> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let answer = '';
    let bytesSent = 0;
    let index = 0;
    let timer: NodeJS.Timeout | undefined;
    const finish = (closedByServer: boolean) => {
      clearInterval(timer);
      socket.destroy();
      resolve({ bytesSent, answer, closedByServer });
    };
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('latin1');
    });
    socket.on('close', () => finish(true));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNRESET' || error.code === 'EPIPE') finish(true);
      else reject(error);
    });
    socket.on('connect', () => {
      socket.write(head);
      bytesSent += Buffer.byteLength(head);
      timer = setInterval(() => {
        if (index >= dripped.length || index >= DRIP_SECONDS) return finish(false);
        socket.write(dripped[index] ?? '');
        index += 1;
        bytesSent += 1;
      }, 1_000);
    });
  });
}

const body = JSON.stringify({ padding: 'x'.repeat(200) });
const slowBody = (path: string) =>
  `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
const slowHeaders = 'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ';

let deployer: FastifyInstance;
let actors: FastifyInstance;
let deployerPort: number;
let actorsPort: number;

beforeAll(async () => {
  deployer = (await testServer({ tuning: { slowClientDeadlines: SHORT } })).app;
  deployerPort = Number(new URL(await deployer.listen({ host: '127.0.0.1', port: 0 })).port);
  actors = buildActorsApp({ ...ACTORS, slowClientDeadlines: SHORT });
  actorsPort = Number(new URL(await actors.listen({ host: '127.0.0.1', port: 0 })).port);
});

afterAll(async () => {
  await Promise.all([deployer?.close(), actors?.close()]);
});

/** Bytes a one-byte-a-second client gets out before a server with these deadlines cuts it (4 s slack). */
const dripBound = (deadlines: SlowClientDeadlines) =>
  Math.ceil(
    (Math.max(deadlines.headersTimeoutMs, deadlines.requestTimeoutMs) + deadlines.checkIntervalMs) / 1_000,
  ) + 4;

describe('a client sending one byte a second', () => {
  it('is answered 408 and cut at the deadline by both servers, in the headers and in the body', async () => {
    const [deployerBody, deployerHeaders, actorsBody, actorsHeaders] = await Promise.all([
      drip(deployerPort, slowBody('/webhooks/github'), body),
      drip(deployerPort, '', slowHeaders + 'x'.repeat(100)),
      drip(actorsPort, slowBody('/actors'), body),
      drip(actorsPort, '', slowHeaders + 'x'.repeat(100)),
    ]);
    for (const [name, result, head] of [
      ['deployer body', deployerBody, slowBody('/webhooks/github').length],
      ['deployer headers', deployerHeaders, 0],
      ['actors body', actorsBody, slowBody('/actors').length],
      ['actors headers', actorsHeaders, 0],
    ] as const) {
      expect(result.closedByServer, `${name}: the server never closed the socket`).toBe(true);
      // One byte a second: at most 7 dripped bytes means it was cut within 7 s of a 2.25 s deadline.
      expect(result.bytesSent - head, `${name}: dripped bytes before the cut`).toBeLessThanOrEqual(
        dripBound(SHORT),
      );
      expect(result.answer, name).toMatch(/^HTTP\/1\.1 408 /);
    }
  }, 40_000);

  it('as production builds the servers: deadlines that cut it within 15 s, checked every second', async () => {
    // The same bound with the production deadlines: 11 s, plus the slack the test above allows.
    expect(dripBound(SERVER_LIMITS)).toBeLessThanOrEqual(15);
    const built = [(await testServer()).app, buildActorsApp(ACTORS)];
    try {
      for (const app of built) {
        expect(app.server.headersTimeout).toBe(SERVER_LIMITS.headersTimeoutMs);
        expect(app.server.requestTimeout).toBe(SERVER_LIMITS.requestTimeoutMs);
        // http.Server keeps the option it was created with (Node has no documented getter for it).
        expect((app.server as { connectionsCheckingInterval?: number }).connectionsCheckingInterval).toBe(
          SERVER_LIMITS.checkIntervalMs,
        );
        expect(app.server.maxConnections).toBe(SERVER_LIMITS.maxConnections);
      }
    } finally {
      await Promise.all(built.map((app) => app.close()));
    }
    expect(deployer.server.maxConnections).toBe(SERVER_LIMITS.maxConnections);
    expect(actors.server.maxConnections).toBe(SERVER_LIMITS.maxConnections);
  });
});
