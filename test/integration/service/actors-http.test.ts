import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildActorsApp } from '../../../service/app.ts';
import { rawExchange } from '../../support/raw-http.ts';

const AUTH = `Basic ${Buffer.from('alice:over-http').toString('base64')}`;
const VERSION = { digest: null, revision: null, image: null, version: '0.0.0-test' };

let app: FastifyInstance;
let base: string;
let port: number;

beforeAll(async () => {
  app = buildActorsApp({ credentials: { user: 'alice', password: 'over-http' }, version: VERSION });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  port = Number(new URL(base).port);
});

afterAll(() => app.close());

/** Sends raw bytes and returns everything the server answers until it closes the connection. */
async function rawRequest(bytes: string): Promise<{ status: number; headers: string; body: string }> {
  const received = await rawExchange(port, bytes);
  const [head = '', body = ''] = received.split('\r\n\r\n');
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), headers: head, body };
}

describe('actors service over real HTTP on loopback', () => {
  it('serves GET /actors with basic auth', async () => {
    const response = await fetch(`${base}/actors`, { headers: { authorization: AUTH } });
    expect(response.status).toBe(200);
    const actors = (await response.json()) as Array<{ id: number }>;
    expect(actors.map((actor) => actor.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('challenges requests without credentials', async () => {
    const response = await fetch(`${base}/actors/1`);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Basic realm="actors", charset="UTF-8"');
    expect(await response.json()).toEqual({
      error: { code: 'UNAUTHORIZED', message: 'valid basic auth credentials are required' },
    });
  });

  it.each([
    ['bad base64', 'Basic ***'],
    ['base64 of bytes that are not UTF-8', `Basic ${Buffer.from([0x61, 0x3a, 0x80]).toString('base64')}`],
    ['a bare scheme', 'Basic'],
    ['non-ASCII bytes in the header', 'Basic \u00e9\u00e9\u00e9'],
  ])('answers %s with 401 JSON', async (_name, authorization) => {
    const response = await rawRequest(
      `GET /actors HTTP/1.1\r\nHost: x\r\nAuthorization: ${authorization}\r\nConnection: close\r\n\r\n`,
    );
    expect(response.status).toBe(401);
    expect(JSON.parse(response.body)).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
  });

  it('answers huge headers with 431 JSON and stays up', async () => {
    const response = await rawRequest(
      `GET /health HTTP/1.1\r\nHost: x\r\nX-Padding: ${'a'.repeat(40 * 1024)}\r\n\r\n`,
    );
    expect(response.status).toBe(431);
    expect(JSON.parse(response.body)).toEqual({
      error: { code: 'REQUEST_HEADERS_TOO_LARGE', message: 'request headers exceed the size limit' },
    });
    expect((await fetch(`${base}/health`)).status).toBe(200);
  });

  it('answers a malformed request line with 400 JSON', async () => {
    const response = await rawRequest('THIS IS NOT HTTP\r\n\r\n');
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body)).toEqual({
      error: { code: 'BAD_REQUEST', message: 'malformed HTTP request' },
    });
  });

  it('answers a control character in a header with 400 JSON', async () => {
    const response = await rawRequest('GET /health HTTP/1.1\r\nHost: x\r\nX-Bad: a\u0001b\r\n\r\n');
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body)).toMatchObject({ error: { code: 'BAD_REQUEST' } });
  });

  it('answers an unknown route with 404 JSON and a wrong method with 405', async () => {
    const missing = await fetch(`${base}/actors/1/friends`, { headers: { authorization: AUTH } });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({
      error: { code: 'NOT_FOUND', message: 'no route GET /actors/1/friends' },
    });
    const wrong = await fetch(`${base}/actors/1`, { method: 'DELETE', headers: { authorization: AUTH } });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET, HEAD');
  });

  it('answers bad JSON with 400 JSON', async () => {
    const response = await fetch(`${base}/actors`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: AUTH },
      body: '{"id": 9,',
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('BAD_REQUEST');
  });

  it('keeps connections alive longer than the ALB idle timeout (60 s)', async () => {
    const response = await fetch(`${base}/health`);
    expect(response.headers.get('keep-alive')).toMatch(/^timeout=65(,|$)/);
  });
});

describe('close() while a keep-alive client has a request in flight', () => {
  it('finishes the request with Connection: close and closes promptly', async () => {
    const slow = buildActorsApp({ credentials: { user: 'alice', password: 'over-http' }, version: VERSION });
    let arrived = false;
    slow.addHook('onRequest', async (request) => {
      if (request.url !== '/actors/5') return;
      arrived = true;
      await sleep(600);
    });
    const url = await slow.listen({ host: '127.0.0.1', port: 0 });
    // Open a keep-alive connection first, so the drain has an idle socket to deal with too.
    expect((await fetch(`${url}/health`)).status).toBe(200);
    const inFlight = fetch(`${url}/actors/5`, { headers: { authorization: AUTH } });
    // Close once the request is in the server (a fixed sleep could close first on a loaded machine).
    for (let i = 0; i < 1_000 && !arrived; i += 1) await sleep(10);
    expect(arrived).toBe(true);
    const started = performance.now();
    await Promise.all([
      slow.close(),
      inFlight.then(async (response) => {
        expect(response.status).toBe(200);
        expect(response.headers.get('connection')).toBe('close');
        expect(await response.json()).toEqual({ id: 5, actor: 'George Takei', role: 'Hikaru Sulu' });
      }),
    ]);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
