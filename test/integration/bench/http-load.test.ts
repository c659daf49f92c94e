// bench:actors' load client frames responses itself: if it miscounted, renewed connections at the
// wrong time or took a server's `Connection: close` for an error, the actors ratios (and the
// Flask+gunicorn baseline, which closes after every response) would be wrong. Checked against real
// node:http servers on loopback; the runs are a few hundred ms and assert counts, never times.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runLoad } from '../../../bench/support/http-load.ts';

const servers: Server[] = [];

async function serve(handler: Parameters<typeof createServer>[1]): Promise<number> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const options = { host: '127.0.0.1', path: '/actors', connections: 3, durationMs: 300 };

describe('bench load client (runLoad)', () => {
  it('counts every response on keep-alive connections and renews them at the per-connection limit', async () => {
    let served = 0;
    let authorization: string | undefined;
    const sockets = new Set<unknown>();
    const port = await serve((request, response) => {
      served += 1;
      authorization = request.headers.authorization;
      sockets.add(request.socket);
      response
        .writeHead(200, { 'content-type': 'application/json', 'content-length': '10' })
        .end('[{"id":1}]');
    });
    const result = await runLoad({
      ...options,
      port,
      headers: { Authorization: 'Basic YTpi' },
      maxRequestsPerConnection: 5,
    });
    expect(result.errors).toBe(0);
    expect(result.non2xx).toBe(0);
    expect(result.requests).toBe(served);
    expect(result.requests).toBeGreaterThan(10);
    expect(authorization).toBe('Basic YTpi');
    // 5 requests per connection at most: at least requests / 5 connections were opened.
    expect(result.connects).toBeGreaterThanOrEqual(Math.ceil(result.requests / 5));
    expect(sockets.size).toBe(result.connects);
    expect(result.clientCpuMicrosPerRequest).toBeGreaterThan(0);
  });

  it("reconnects after every response when the server says Connection: close (gunicorn's sync worker)", async () => {
    const port = await serve((_request, response) => {
      response
        .writeHead(200, { 'content-type': 'application/json', 'content-length': '2', connection: 'close' })
        .end('{}');
    });
    const result = await runLoad({ ...options, port, headers: {}, maxRequestsPerConnection: 1000 });
    expect(result.errors).toBe(0);
    expect(result.requests).toBeGreaterThan(3);
    expect(result.connects).toBeGreaterThanOrEqual(result.requests);
  });

  it('counts non-2xx answers and bodies split over several packets', async () => {
    const port = await serve((_request, response) => {
      response.writeHead(401, { 'content-length': '2000' });
      response.write('x'.repeat(1000));
      setImmediate(() => response.end('y'.repeat(1000)));
    });
    const result = await runLoad({ ...options, port, headers: {}, maxRequestsPerConnection: 1000 });
    expect(result.errors).toBe(0);
    expect(result.requests).toBeGreaterThan(0);
    expect(result.non2xx).toBe(result.requests);
  });

  it('counts a response it cannot frame (no Content-Length: chunked) as an error, not as served', async () => {
    const port = await serve((_request, response) => {
      // writeHead before the body: Node sends it chunked.
      response.writeHead(200).end('{}');
    });
    const result = await runLoad({ ...options, port, headers: {}, maxRequestsPerConnection: 1000 });
    expect(result.requests).toBe(0);
    expect(result.errors).toBeGreaterThan(0);
  });

  it('counts a connection closed under a request as an error', async () => {
    const port = await serve((request) => {
      request.socket.destroy();
    });
    const result = await runLoad({ ...options, port, headers: {}, maxRequestsPerConnection: 1000 });
    expect(result.requests).toBe(0);
    expect(result.errors).toBeGreaterThan(0);
  });
});
