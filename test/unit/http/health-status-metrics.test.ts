import { afterEach, describe, expect, it } from 'vitest';
import { createFakeRuntime, fakeServiceStatus } from '../../support/fake-runtime.ts';
import { bearer, type TestServer, testServer } from '../../support/test-server.ts';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.app.close();
  server = undefined;
});

describe('GET /healthz and /readyz', () => {
  it('healthz answers 200 even before the runtime is ready', async () => {
    server = await testServer({ runtime: createFakeRuntime({ ready: false }) });
    const response = await server.app.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('readyz answers 503 with a JSON error until ready, then 200', async () => {
    server = await testServer({ runtime: createFakeRuntime({ ready: false }) });
    const before = await server.app.inject({ method: 'GET', url: '/readyz' });
    expect(before.statusCode).toBe(503);
    expect(before.json()).toMatchObject({ error: { code: 'NOT_READY' } });
    server.runtime.setReady(true);
    const after = await server.app.inject({ method: 'GET', url: '/readyz' });
    expect(after.statusCode).toBe(200);
    expect(after.json()).toMatchObject({ status: 'ready' });
  });

  it('health endpoints stay public in aws mode', async () => {
    server = await testServer({ mode: 'aws' });
    expect((await server.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await server.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });

  it('POST /healthz answers 405 with an Allow header', async () => {
    server = await testServer();
    const response = await server.app.inject({ method: 'POST', url: '/healthz' });
    expect(response.statusCode).toBe(405);
    expect(response.headers.allow).toBe('GET, HEAD');
    expect(response.json()).toMatchObject({ error: { code: 'METHOD_NOT_ALLOWED' } });
  });
});

describe('GET /status', () => {
  it('returns the runtime status as JSON', async () => {
    server = await testServer();
    const response = await server.app.inject({ method: 'GET', url: '/status' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('private, no-store');
    expect(response.json()).toEqual(server.runtime.status());
  });

  it('/status/:service returns one service', async () => {
    const runtime = createFakeRuntime();
    runtime.setStatus({
      ...runtime.status(),
      services: [fakeServiceStatus('actors'), fakeServiceStatus('web')],
    });
    server = await testServer({ runtime });
    const response = await server.app.inject({ method: 'GET', url: '/status/web' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual(fakeServiceStatus('web'));
  });

  it('/status/:service answers 404 JSON for an unknown service', async () => {
    server = await testServer();
    const response = await server.app.inject({ method: 'GET', url: '/status/nope' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({
      error: {
        code: 'SERVICE_NOT_FOUND',
        message: "no service named 'nope' in the config; GET /status lists them",
      },
    });
  });

  it('is public in local mode', async () => {
    server = await testServer({ mode: 'local' });
    expect((await server.app.inject({ method: 'GET', url: '/status' })).statusCode).toBe(200);
  });

  it('needs the bearer token in aws mode (401 with WWW-Authenticate)', async () => {
    server = await testServer({ mode: 'aws' });
    const anonymous = await server.app.inject({ method: 'GET', url: '/status' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.headers['www-authenticate']).toBe('Bearer realm="ecs-gitops"');
    expect(anonymous.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });

    const wrong = await server.app.inject({ method: 'GET', url: '/status', headers: bearer('wrong') });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.headers['www-authenticate']).toBe('Bearer realm="ecs-gitops", error="invalid_token"');

    const right = await server.app.inject({ method: 'GET', url: '/status/actors', headers: bearer() });
    expect(right.statusCode).toBe(200);
  });
});

describe('GET /metrics', () => {
  it('serves the runtime registry in the Prometheus text format', async () => {
    server = await testServer();
    await server.runtime.sync('actors', AbortSignal.timeout(1000));
    const response = await server.app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(response.body).toContain('ecs_gitops_fake_calls_total{method="sync"} 1');
  });

  it('needs the bearer token in aws mode', async () => {
    server = await testServer({ mode: 'aws' });
    expect((await server.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
    expect((await server.app.inject({ method: 'GET', url: '/metrics', headers: bearer() })).statusCode).toBe(
      200,
    );
  });
});

describe('errors', () => {
  it('every answer says nosniff, errors included', async () => {
    server = await testServer();
    for (const url of ['/status', '/healthz', '/metrics', '/nothing']) {
      const response = await server.app.inject({ method: 'GET', url });
      expect({ url, header: response.headers['x-content-type-options'] }).toEqual({ url, header: 'nosniff' });
    }
  });

  it('unknown routes answer 404 JSON', async () => {
    server = await testServer();
    const response = await server.app.inject({ method: 'GET', url: '/nothing/here?x=1' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'no route GET /nothing/here' } });
  });

  it('an unexpected runtime error is a 500 without its message or stack, logged under err', async () => {
    const runtime = createFakeRuntime();
    runtime.status = () => {
      throw new Error('database password is hunter2');
    };
    server = await testServer({ runtime });
    const response = await server.app.inject({ method: 'GET', url: '/status' });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({
      error: { code: 'INTERNAL_ERROR', message: "internal error; the deployer's log has the details" },
    });
    expect(response.body).not.toContain('hunter2');
    const logged = server.log.lines().find((line) => line.msg === 'request failed');
    expect(logged).toMatchObject({
      level: 50,
      route: '/status',
      err: { message: 'database password is hunter2' },
    });
  });
});
