// The same server over a real loopback socket: what inject() cannot show (chunked uploads, early
// rejection by Content-Length, keep-alive, close with connections open).
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { githubDelivery, pushPayload } from '../../support/github-webhook.ts';
import { TEST_SECRET, type TestServer, testServer } from '../../support/test-server.ts';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.app.close();
  server = undefined;
});

async function listening(): Promise<{ s: TestServer; base: string; port: number }> {
  server = await testServer();
  await server.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = server.app.server.address() as AddressInfo;
  return { s: server, base: `http://127.0.0.1:${port}`, port };
}

describe('buildServer over real HTTP', () => {
  it('accepts a signed delivery sent chunked (no Content-Length)', async () => {
    const { s, port } = await listening();
    const delivery = githubDelivery(TEST_SECRET, 'push', pushPayload({ after: 'c'.repeat(40) }), {
      deliveryId: 'chunked',
    });
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, method: 'POST', path: '/webhooks/github', headers: delivery.headers },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      // Three chunks: the HMAC must cover their concatenation exactly.
      const third = Math.ceil(delivery.body.length / 3);
      req.write(delivery.body.slice(0, third));
      req.write(delivery.body.slice(third, 2 * third));
      req.end(delivery.body.slice(2 * third));
    });
    expect(status).toBe(202);
    expect(s.runtime.enqueued).toMatchObject([{ deliveryId: 'chunked' }]);
  });

  it('answers 413 JSON to a chunked body that grows past 1 MiB, and queues nothing', async () => {
    const { s, port } = await listening();
    const delivery = githubDelivery(TEST_SECRET, 'push', pushPayload({ after: 'c'.repeat(40) }));
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, method: 'POST', path: '/webhooks/github', headers: delivery.headers },
        (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => {
            body += chunk.toString();
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', (error: NodeJS.ErrnoException) => {
        // The server may close the socket while we are still writing: that is a rejection too.
        if (error.code === 'EPIPE' || error.code === 'ECONNRESET') resolve({ status: 413, body: '' });
        else reject(error);
      });
      const chunk = 'x'.repeat(64 * 1024);
      for (let sent = 0; sent < 1.5 * 1024 * 1024; sent += chunk.length) req.write(chunk);
      req.end();
    });
    expect(answer.status).toBe(413);
    if (answer.body) expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
    expect(s.runtime.calls).toEqual([]);
  });

  it('answers 413 up front when Content-Length announces more than 1 MiB', async () => {
    const { s, base } = await listening();
    const body = JSON.stringify({ padding: 'x'.repeat(1024 * 1024 + 10) });
    const response = await fetch(`${base}/webhooks/github`, {
      method: 'POST',
      headers: githubDelivery(TEST_SECRET, 'push', body).headers,
      body,
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
    expect(s.runtime.calls).toEqual([]);
  });

  it('close() lets an in-flight delivery finish being queued', async () => {
    const { s, base } = await listening();
    const releaseQueue = s.runtime.holdEnqueue();
    const delivery = githubDelivery(TEST_SECRET, 'push', pushPayload({ after: 'd'.repeat(40) }), {
      deliveryId: 'late',
    });
    const inFlight = fetch(`${base}/webhooks/github`, {
      method: 'POST',
      headers: delivery.headers,
      body: delivery.body,
    });
    // Close while the delivery is being queued: wait until it has reached enqueue (a fixed sleep
    // could close before the request arrived on a loaded machine).
    for (let i = 0; i < 1_000 && !s.runtime.calls.some((c) => c.method === 'enqueue'); i += 1)
      await new Promise((resolve) => setTimeout(resolve, 10));
    expect(s.runtime.calls.some((c) => c.method === 'enqueue')).toBe(true);
    const started = Date.now();
    const closing = s.app.close();
    // The queue answers once close() is under way (its preClose hooks ran, the listener is shut).
    while (s.app.server.listening) await new Promise((resolve) => setImmediate(resolve));
    releaseQueue();
    const response = await inFlight;
    expect(response.status).toBe(202);
    expect(response.headers.get('connection')).toBe('close');
    expect(await response.json()).toEqual({ queued: true, deliveryId: 'late' });
    await closing;
    // The answered connection is closed with it, not left idle for close() to wait on.
    expect(Date.now() - started).toBeLessThan(2_000);
    server = undefined;
    expect(s.runtime.enqueued).toHaveLength(1);
  });

  it('close() finishes even with an idle keep-alive connection open', async () => {
    const { base } = await listening();
    const response = await fetch(`${base}/healthz`, { headers: { connection: 'keep-alive' } });
    expect(response.status).toBe(200);
    const started = Date.now();
    await server?.app.close();
    server = undefined;
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
