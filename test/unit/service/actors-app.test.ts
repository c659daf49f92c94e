import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VersionReport } from '../../../common/contract.ts';
import { ACTORS } from '../../../service/actors-data.ts';
import { buildActorsApp } from '../../../service/app.ts';
import { REDACTED_PATHS } from '../../../service/logger.ts';
import { readPackageVersion } from '../../../service/package-version.ts';
import { registerActorsRoutes } from '../../../service/routes/actors-routes.ts';
import { rawExchange } from '../../support/raw-http.ts';

const USER = 'alice';
const PASSWORD = 'correct horse battery staple';
const AUTH = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
const VERSION: VersionReport = {
  digest: `sha256:${'b'.repeat(64)}`,
  revision: '0123abc',
  image: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/actors@sha256:${'b'.repeat(64)}`,
  version: '9.9.9',
};
const CHALLENGE = 'Basic realm="actors", charset="UTF-8"';

let app: FastifyInstance;

beforeAll(async () => {
  app = buildActorsApp({ credentials: { user: USER, password: PASSWORD }, version: VERSION });
  await app.ready();
});

afterAll(() => app.close());

describe('GET /actors', () => {
  it('returns the eight actors in id order', async () => {
    const response = await app.inject({ url: '/actors', headers: { authorization: AUTH } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(response.json()).toEqual([
      { id: 1, actor: 'William Shatner', role: 'James T' },
      { id: 2, actor: 'Leonard Nimoy', role: 'Spock' },
      { id: 3, actor: 'DeForest Kelley', role: 'Leonard McCoy' },
      { id: 4, actor: 'James Doohan', role: 'Montgomery Scott' },
      { id: 5, actor: 'George Takei', role: 'Hikaru Sulu' },
      { id: 6, actor: 'Walter Koenig', role: 'Pavel Chekov' },
      { id: 7, actor: 'Nichelle Nichols', role: 'Nyota Uhura' },
      { id: 8, actor: 'Majel Barrett', role: 'Christine Chapel' },
    ]);
  });

  it('answers HEAD with the headers only', async () => {
    const response = await app.inject({ method: 'HEAD', url: '/actors', headers: { authorization: AUTH } });
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe('');
  });
});

describe('GET /actors/:id', () => {
  it.each(ACTORS.map((actor) => [actor.id, actor]))('returns actor %i', async (id, actor) => {
    const response = await app.inject({ url: `/actors/${id}`, headers: { authorization: AUTH } });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual(actor);
  });

  it.each(['0', '9', '-1', '999999999999999'])('returns 404 JSON for unknown id %s', async (id) => {
    const response = await app.inject({ url: `/actors/${id}`, headers: { authorization: AUTH } });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({
      error: { code: 'NOT_FOUND', message: `no actor with id ${Number(id)}` },
    });
  });

  it.each(['abc', '1.5', '1e3', '0x1', '%201', '9999999999999999999999', 'NaN', '1%00'])(
    'returns 400 JSON for the non-integer id %s',
    async (id) => {
      const response = await app.inject({ url: `/actors/${id}`, headers: { authorization: AUTH } });
      expect(response.statusCode).toBe(400);
      const body = response.json() as { error: { code: string; message: string } };
      expect(body.error.code).toBe('BAD_REQUEST');
      expect(body.error.message).toMatch(/^actor id must be an integer, got '/);
    },
  );

  it('does not echo a long id back in full', async () => {
    const response = await app.inject({ url: `/actors/${'x'.repeat(90)}`, headers: { authorization: AUTH } });
    expect(response.statusCode).toBe(400);
    expect(response.body).not.toContain('x'.repeat(41));
  });

  it('answers an id longer than the router allows with 414 JSON', async () => {
    const response = await app.inject({
      url: `/actors/${'1'.repeat(5000)}`,
      headers: { authorization: AUTH },
    });
    expect(response.statusCode).toBe(414);
    expect((response.json() as { error: { code: string } }).error.code).toBe('URI_TOO_LONG');
  });
});

describe('basic auth on the actors routes', () => {
  const encode = (text: string) => Buffer.from(text).toString('base64');

  it.each([
    ['no Authorization header', undefined],
    ['a wrong password', `Basic ${encode(`${USER}:wrong`)}`],
    ['a wrong user', `Basic ${encode(`bob:${PASSWORD}`)}`],
    ['bad base64', 'Basic !!!not-base64!!!'],
    ['base64 without a colon', `Basic ${encode('nocolon')}`],
    ['invalid UTF-8 credentials', `Basic ${Buffer.from([0xc3, 0x28, 0x3a, 0x41]).toString('base64')}`],
    ['another scheme', 'Bearer token'],
    ['an empty value', ''],
  ])('returns 401 with a challenge for %s', async (_name, authorization) => {
    for (const url of ['/actors', '/actors/1', '/actors/abc']) {
      const response = await app.inject({
        url,
        headers: authorization === undefined ? {} : { authorization },
      });
      expect(response.statusCode).toBe(401);
      expect(response.headers['www-authenticate']).toBe(CHALLENGE);
      expect(response.json()).toEqual({
        error: { code: 'UNAUTHORIZED', message: 'valid basic auth credentials are required' },
      });
    }
  });
});

describe('caching of the authenticated answers', () => {
  it.each([
    ['/actors', AUTH],
    ['/actors/2', AUTH],
    ['/actors/999', AUTH],
    ['/actors', undefined],
    ['/actors/2', 'Basic d3Jvbmc6d3Jvbmc='],
  ])('%s (authorization %s) is private, no-store: no shared cache keeps it', async (url, authorization) => {
    const response = await app.inject({ url, headers: authorization ? { authorization } : {} });
    expect(response.headers['cache-control']).toBe('private, no-store');
  });
});

describe('the actors handlers on the hot path', () => {
  // A handler that returns the reply has Fastify treat it as a promise (wrapThenable calls its then()),
  // two closures and a call per request for nothing: the handlers send and return undefined.
  type Handler = (request: unknown, reply: unknown) => unknown;
  const handlers = new Map<string, Handler>();
  registerActorsRoutes(
    {
      get: (url: string, _options: unknown, handler: Handler) => handlers.set(url, handler),
      route: () => undefined,
    } as unknown as FastifyInstance,
    { user: USER, password: PASSWORD },
  );
  it.each([
    ['/actors', {}, AUTH, 200],
    ['/actors', {}, undefined, 401],
    ['/actors/:id', { id: '2' }, AUTH, 200],
    ['/actors/:id', { id: '2' }, undefined, 401],
    ['/actors/:id', { id: '999' }, AUTH, 404],
    ['/actors/:id', { id: 'x' }, AUTH, 400],
  ])('%s %o (authorization %s) sends %i and returns nothing', (url, params, authorization, status) => {
    const { reply, answers } = recordingReply();
    expect(handlers.get(url)?.({ headers: { authorization }, params }, reply)).toBeUndefined();
    expect(answers.map((answer) => answer.status)).toEqual([status]);
  });

  it('GET /actors writes the head and body fixed at start straight to Node: the JSON of the data, its byte length', () => {
    const { reply, answers } = recordingReply();
    handlers.get('/actors')?.({ headers: { authorization: AUTH }, params: {} }, reply);
    const json = JSON.stringify(ACTORS);
    expect(answers).toEqual([
      {
        status: 200,
        raw: true,
        headers: [
          'cache-control',
          'private, no-store',
          'content-type',
          'application/json; charset=utf-8',
          'content-length',
          String(Buffer.byteLength(json)),
        ],
        payload: json,
      },
    ]);
  });
});

/** A stand-in for FastifyReply that records what a handler sends, through Fastify or straight to Node. */
function recordingReply() {
  const answers: { status: number; raw?: true; headers?: unknown; payload?: unknown }[] = [];
  let statusCode = 200;
  let head: { status: number; headers: unknown } | undefined;
  const reply = {
    header: () => reply,
    type: () => reply,
    code: (code: number) => {
      statusCode = code;
      return reply;
    },
    send: (payload: unknown) => {
      answers.push({ status: statusCode, payload });
      return reply;
    },
    hijack: () => reply,
    raw: {
      writeHead: (status: number, headers: unknown) => {
        head = { status, headers };
      },
      end: (payload: unknown) => {
        answers.push({ status: head?.status ?? 0, raw: true, headers: head?.headers, payload });
      },
    },
  };
  return { reply, answers };
}

describe('GET /health and GET /version', () => {
  it('/health answers without auth and is not cached', async () => {
    const response = await app.inject({ url: '/health' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('/version reports the VersionReport without auth and is not cached', async () => {
    const response = await app.inject({ url: '/version' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.json()).toEqual(VERSION);
  });

  it.each(['/health', '/version'])('HEAD %s answers 200 without a body and without auth', async (url) => {
    const response = await app.inject({ method: 'HEAD', url });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.body).toBe('');
  });

  it('/version reports nulls when the deployer injected nothing', async () => {
    const bare = buildActorsApp({
      credentials: { user: USER, password: PASSWORD },
      version: { digest: null, revision: null, image: null, version: '0.1.0' },
    });
    const response = await bare.inject({ url: '/version' });
    expect(response.json()).toEqual({ digest: null, revision: null, image: null, version: '0.1.0' });
    await bare.close();
  });

  it('readPackageVersion reads the version from package.json', async () => {
    const { default: pkg } = await import('../../../package.json', { with: { type: 'json' } });
    expect(readPackageVersion()).toBe(pkg.version);
  });
});

describe('bad input gets clean 4xx JSON', () => {
  it('unknown route → 404 JSON', async () => {
    const response = await app.inject({ url: '/nope?x=1' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'no route GET /nope?x=1' } });
  });

  it.each([
    ['POST', '/actors'],
    ['PUT', '/actors/1'],
    ['DELETE', '/actors/1'],
    ['PATCH', '/actors'],
    ['OPTIONS', '/actors'],
    ['POST', '/health'],
    ['DELETE', '/version'],
  ] as const)('%s %s → 405 with Allow', async (method, url) => {
    const response = await app.inject({ method, url, headers: { authorization: AUTH } });
    expect(response.statusCode).toBe(405);
    expect(response.headers.allow).toBe('GET, HEAD');
    expect((response.json() as { error: { code: string } }).error.code).toBe('METHOD_NOT_ALLOWED');
  });

  it('bad JSON body → 400 JSON', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/actors',
      headers: { 'content-type': 'application/json' },
      payload: '{"actor": ',
    });
    expect(response.statusCode).toBe(400);
    expect((response.json() as { error: { code: string } }).error.code).toBe('BAD_REQUEST');
  });

  it('unsupported content type → 415 JSON', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/actors',
      headers: { 'content-type': 'application/x-unknown' },
      payload: 'x',
    });
    expect(response.statusCode).toBe(415);
    expect((response.json() as { error: { code: string } }).error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('oversized body → 413 JSON', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/actors',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ pad: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect(response.statusCode).toBe(413);
    expect((response.json() as { error: { code: string } }).error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('malformed percent-encoding in the URL → 400 JSON', async () => {
    const response = await app.inject({ url: '/actors/%E0%A4%A', headers: { authorization: AUTH } });
    expect(response.statusCode).toBe(400);
    expect((response.json() as { error: { code: string } }).error.code).toBe('BAD_REQUEST');
  });
});

describe('logging', () => {
  function capture(level = 'info'): { logger: pino.Logger; lines: () => Array<Record<string, unknown>> } {
    const chunks: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        chunks.push(String(chunk));
        done();
      },
    });
    const logger = pino({ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, stream);
    return {
      logger,
      lines: () =>
        chunks
          .join('')
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as Record<string, unknown>),
    };
  }

  // The counters and request lines see responses as Node writes them (served-responses.ts), so these
  // tests go over real HTTP on loopback: inject() never reaches a socket.
  async function serve(level = 'info', requestSummaryIntervalMs?: number) {
    const { logger, lines } = capture(level);
    const served = buildActorsApp({
      credentials: { user: USER, password: PASSWORD },
      version: VERSION,
      logger,
      ...(requestSummaryIntervalMs === undefined ? {} : { requestSummaryIntervalMs }),
    });
    served.get('/broken', () => {
      throw new Error('disk on fire');
    });
    const base = await served.listen({ host: '127.0.0.1', port: 0 });
    const get = async (path: string, init: RequestInit = {}) => {
      const response = await fetch(`${base}${path}`, init);
      await response.arrayBuffer();
      return response;
    };
    return { served, lines, get };
  }

  it('at info writes no line per request, and at close one summary counting them and the auth failures', async () => {
    const { served, lines, get } = await serve();
    await get('/actors/2', { headers: { authorization: AUTH } });
    await get('/actors', { headers: { authorization: AUTH } });
    await get('/actors');
    await get('/actors', { headers: { authorization: 'Basic Zm9vOmJhcg==' } });
    await get('/health');
    expect(lines().filter((line) => line.msg === 'request completed')).toEqual([]);
    await served.close();
    const summaries = lines().filter((line) => line.msg === 'requests served');
    expect(summaries).toHaveLength(1);
    expect(summaries[0]).toMatchObject({
      level: 30,
      requests: 5,
      byStatus: { '2xx': 3, '3xx': 0, '4xx': 2, '5xx': 0 },
      authFailures: 2,
      loopDelayMaxMs: expect.any(Number),
      loopDelayP99Ms: expect.any(Number),
    });
    expect(JSON.stringify(lines())).not.toContain(Buffer.from(`${USER}:${PASSWORD}`).toString('base64'));
  });

  it("counts every answer, Fastify's own and HEAD included", async () => {
    const { served, lines, get } = await serve();
    expect((await get('/nowhere')).status).toBe(404);
    expect((await get('/actors', { method: 'POST' })).status).toBe(405);
    expect((await get('/actors/%E0%A4%A')).status).toBe(400);
    expect((await get('/actors', { method: 'HEAD', headers: { authorization: AUTH } })).status).toBe(200);
    expect((await get('/broken')).status).toBe(500);
    await served.close();
    expect(lines().find((line) => line.msg === 'requests served')).toMatchObject({
      requests: 5,
      byStatus: { '2xx': 1, '3xx': 0, '4xx': 3, '5xx': 1 },
      authFailures: 0,
    });
  });

  it('logs a summary on the interval while serving, and none for an interval without requests', async () => {
    const { served, lines, get } = await serve('info', 5);
    await get('/actors', { headers: { authorization: AUTH } });
    const summaries = () => lines().filter((line) => line.msg === 'requests served');
    for (let wait = 0; wait < 500 && summaries().length === 0; wait += 1) await sleep(10);
    expect(summaries()).toEqual([expect.objectContaining({ requests: 1, authFailures: 0 })]);
    await sleep(50);
    await served.close();
    expect(summaries()).toHaveLength(1);
  });

  it('logs every 5xx at error, with the error and the response status', async () => {
    const { served, lines, get } = await serve();
    expect((await get('/broken?x=1')).status).toBe(500);
    const failed = lines().find((line) => line.msg === 'request failed');
    expect(failed).toMatchObject({ level: 50, reqId: expect.any(String), err: { message: 'disk on fire' } });
    // The error handler's line (the request's own logger) and the response's carry the same reqId.
    expect(lines().find((line) => line.msg === 'request completed')).toMatchObject({
      level: 50,
      reqId: failed?.reqId,
      method: 'GET',
      url: '/broken?x=1',
      statusCode: 500,
    });
    await served.close();
    expect(lines().find((line) => line.msg === 'requests served')).toMatchObject({
      byStatus: { '5xx': 1 },
    });
  });

  it('at debug writes one line per request, probes included', async () => {
    const { served, lines, get } = await serve('debug');
    await get('/actors/2', { headers: { authorization: AUTH } });
    await get('/health');
    await served.close();
    const completed = lines().filter((line) => line.msg === 'request completed');
    expect(completed).toEqual([
      expect.objectContaining({
        level: 20,
        method: 'GET',
        url: '/actors/2',
        statusCode: 200,
        durationMs: expect.any(Number),
      }),
      expect.objectContaining({
        level: 20,
        method: 'GET',
        url: '/health',
        statusCode: 200,
        durationMs: expect.any(Number),
      }),
    ]);
    // Each request its own id.
    expect(new Set(completed.map((line) => line.reqId)).size).toBe(2);
  });

  it('logs a request that Node could not parse at debug, once answered', async () => {
    const { served, lines } = await serve('debug');
    const address = served.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const answer = await rawExchange(port, 'NOT HTTP AT ALL\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    await served.close();
    expect(lines().find((line) => line.msg === 'rejected malformed request')).toMatchObject({
      level: 20,
      statusCode: 400,
    });
  });

  it('redacts the Authorization header wherever request headers get logged', () => {
    const { logger, lines } = capture();
    logger.info({ req: { headers: { authorization: AUTH, host: 'x' } } }, 'headers');
    logger.info({ headers: { authorization: AUTH } }, 'headers');
    expect(JSON.stringify(lines())).not.toContain(AUTH);
    expect(lines()[0]).toMatchObject({ req: { headers: { authorization: '[redacted]', host: 'x' } } });
  });
});
