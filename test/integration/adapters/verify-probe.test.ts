import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpVerifyProbe } from '../../../deployer/adapters/http/verify-probe.ts';
import type { DeployerError } from '../../../deployer/domain/errors.ts';

let server: Server;
let base: string;
const signal = new AbortController().signal;

beforeAll(async () => {
  server = createServer((req, res) => {
    switch (req.url) {
      case '/version':
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        res.end(
          JSON.stringify({
            digest: `sha256:${'b'.repeat(64)}`,
            revision: 'abc',
            image: 'x',
            version: '1.0.0',
          }),
        );
        return;
      case '/broken':
        res.writeHead(503, { 'content-type': 'application/json' });
        res.end('{"error":"down"}');
        return;
      case '/html':
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<h1>{"not":"parsed"}</h1>');
        return;
      case '/bad-json':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{oops');
        return;
      case '/slow':
        setTimeout(() => res.end('late'), 2_000).unref();
        return;
      default:
        res.writeHead(404);
        res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('HttpVerifyProbe.get', () => {
  it.each([
    {
      path: '/version',
      status: 200,
      body: { digest: `sha256:${'b'.repeat(64)}`, revision: 'abc', image: 'x', version: '1.0.0' },
    },
    { path: '/broken', status: 503, body: { error: 'down' } },
    { path: '/html', status: 200, body: undefined },
    { path: '/bad-json', status: 200, body: undefined },
    { path: '/missing', status: 404, body: undefined },
  ])('get($path) resolves with status $status without throwing', async ({ path, status, body }) => {
    expect(await new HttpVerifyProbe().get(`${base}${path}`, signal)).toEqual({ status, body });
  });

  it('get of a slow endpoint fails with retryable VERIFY_FAILED after the per-request timeout', async () => {
    const started = Date.now();
    const error = (await new HttpVerifyProbe({ timeoutMs: 100 })
      .get(`${base}/slow`, signal)
      .catch((e: unknown) => e)) as DeployerError;
    expect(error.code).toBe('VERIFY_FAILED');
    expect(error.retryable).toBe(true);
    expect(error.details.timedOut).toBe(true);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('get of a closed port fails with retryable VERIFY_FAILED', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error = (await new HttpVerifyProbe()
      .get(`http://127.0.0.1:${port}/version`, signal)
      .catch((e: unknown) => e)) as DeployerError;
    expect(error.code).toBe('VERIFY_FAILED');
    expect(error.details.timedOut).toBe(false);
  });

  it('get aborted by the caller fails with ABORTED', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = (await new HttpVerifyProbe()
      .get(`${base}/slow`, controller.signal)
      .catch((e: unknown) => e)) as DeployerError;
    expect(error.code).toBe('ABORTED');
  });
});
