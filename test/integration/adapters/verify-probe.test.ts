import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpVerifyProbe } from '../../../deployer/adapters/http/verify-probe.ts';
import type { DeployerError } from '../../../deployer/domain/errors.ts';

let server: Server;
let base: string;
const signal = new AbortController().signal;
/** This test's servers are on 127.0.0.1: allowed as in local mode. */
const LOCAL = { allowPrivateNetworks: true };
const HUGE_BYTES = 400 * 1024 * 1024;
let hugeBytesWritten = 0;
let hugeClosed: Promise<void> = Promise.resolve();

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
      case '/huge': {
        // 400 MB of JSON-ish bytes from one reused 64 KiB chunk, respecting backpressure.
        res.writeHead(200, { 'content-type': 'application/json' });
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        hugeBytesWritten = 0;
        hugeClosed = new Promise((resolve) => res.on('close', () => resolve()));
        const pump = () => {
          while (hugeBytesWritten < HUGE_BYTES && !res.destroyed) {
            hugeBytesWritten += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end();
        };
        pump();
        return;
      }
      case '/leaky':
        req.socket.end('SECRET-MARKER not http at all\r\n\r\n');
        return;
      case '/host':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ host: req.headers.host }));
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
    expect(await new HttpVerifyProbe(LOCAL).get(`${base}${path}`, signal)).toEqual({ status, body });
  });

  it('get of a slow endpoint fails with retryable VERIFY_FAILED after the per-request timeout', async () => {
    const started = Date.now();
    const error = (await new HttpVerifyProbe({ ...LOCAL, timeoutMs: 100 })
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
    const error = (await new HttpVerifyProbe(LOCAL)
      .get(`http://127.0.0.1:${port}/version`, signal)
      .catch((e: unknown) => e)) as DeployerError;
    expect(error.code).toBe('VERIFY_FAILED');
    expect(error.details.timedOut).toBe(false);
  });

  it('get aborted by the caller fails with ABORTED', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = (await new HttpVerifyProbe(LOCAL)
      .get(`${base}/slow`, controller.signal)
      .catch((e: unknown) => e)) as DeployerError;
    expect(error.code).toBe('ABORTED');
  });
});

const failure = (probe: HttpVerifyProbe, url: string) =>
  probe.get(url, signal).then(
    () => {
      throw new Error(`expected ${url} to fail`);
    },
    (e: unknown) => e as DeployerError,
  );

describe('HttpVerifyProbe body cap', () => {
  it('reads at most 64 KiB of a 400 MB answer, cuts the connection and keeps memory flat', async () => {
    const rssBefore = process.memoryUsage().rss;
    const answer = await new HttpVerifyProbe(LOCAL).get(`${base}/huge`, signal);
    await hugeClosed;
    expect(answer).toEqual({ status: 200, body: undefined });
    // The server could only push what fits in the socket buffers before the cut, not 400 MB.
    expect(hugeBytesWritten).toBeLessThan(64 * 1024 * 1024);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(100 * 1024 * 1024);
  });
});

describe('HttpVerifyProbe address checks (the URL is chosen by any config author)', () => {
  it.each([
    ['the ECS task metadata endpoint', 'http://169.254.170.2/v2/credentials', 'metadata'],
    ['the EC2 instance metadata service', 'http://169.254.169.254/latest/meta-data/', 'metadata'],
    ['the EC2 metadata service over IPv6', 'http://[fd00:ec2::254]/latest/', 'metadata'],
    ['metadata as an IPv4-mapped IPv6 address', 'http://[::ffff:169.254.169.254]/', 'metadata'],
    ['another link-local address', 'http://169.254.1.1/', 'link-local'],
    ['0.0.0.0 (the local host on Linux)', 'http://0.0.0.0:8080/status', 'unspecified'],
  ])('refuses %s even when private networks are allowed', async (_name, url, kind) => {
    const error = await failure(new HttpVerifyProbe(LOCAL), url);
    expect(error.code).toBe('VERIFY_FAILED');
    expect(error.message).toBe(
      `probe of ${url} failed: refused: ${new URL(url).hostname.replace(/^\[|\]$/g, '')} resolves to a ${kind} address`,
    );
  });

  it.each([
    ['loopback', () => `${base}/version`, 'loopback'],
    ['a private network', () => 'http://10.1.2.3/version', 'private'],
    ['a unique local IPv6 address', () => 'http://[fd12:3456::1]/version', 'private'],
  ])('refuses %s unless VERIFY_ALLOW_PRIVATE_NETWORKS, saying so', async (_name, url, kind) => {
    const error = await failure(new HttpVerifyProbe(), url());
    expect(error.message).toContain(
      `resolves to a ${kind} address (set VERIFY_ALLOW_PRIVATE_NETWORKS=true to allow)`,
    );
  });

  it('checks every address a name resolves to: one metadata address among public ones refuses it', async () => {
    const probe = new HttpVerifyProbe({
      resolve: async () => [
        { address: '93.184.216.34', family: 4 },
        { address: '169.254.169.254', family: 4 },
      ],
    });
    const error = await failure(probe, 'http://mixed.example/version');
    expect(error.message).toContain('refused: mixed.example resolves to a metadata address');
  });

  it('connects to the address it checked, and still names the site in the Host header', async () => {
    const port = new URL(base).port;
    let lookups = 0;
    const probe = new HttpVerifyProbe({
      ...LOCAL,
      resolve: async () => {
        lookups += 1;
        // A rebinding resolver would answer differently the second time: there is no second time.
        return lookups === 1
          ? [{ address: '127.0.0.1', family: 4 }]
          : [{ address: '169.254.169.254', family: 4 }];
      },
    });
    expect(await probe.get(`http://site.example:${port}/host`, signal)).toEqual({
      status: 200,
      body: { host: `site.example:${port}` },
    });
    expect(lookups).toBe(1);
  });

  it('refuses schemes other than http and https', async () => {
    const error = await failure(new HttpVerifyProbe(LOCAL), 'file:///etc/passwd');
    expect(error.message).toBe(
      'probe of file:///etc/passwd failed: refused: scheme file: is not http or https',
    );
  });

  it('reports a classified reason, never what the server sent', async () => {
    const error = await failure(new HttpVerifyProbe(LOCAL), `${base}/leaky`);
    expect(error.message).not.toContain('SECRET-MARKER');
    expect(error.message).toMatch(/failed: (not an HTTP answer|connection reset|request failed)$/);
  });
});
