import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { DeployerError } from '../../../deployer/domain/errors.ts';
import { createFakeRuntime } from '../../support/fake-runtime.ts';
import { propertyRuns } from '../../support/property-runs.ts';
import { bearer, type TestServer, testServer } from '../../support/test-server.ts';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.app.close();
  server = undefined;
});

const post = (
  s: TestServer,
  url: string,
  options: { body?: unknown; headers?: Record<string, string> } = {},
) =>
  s.app.inject({
    method: 'POST',
    url,
    headers: options.headers ?? bearer(),
    ...(options.body === undefined ? {} : { payload: options.body as Record<string, unknown> }),
  });

describe('POST /api/services/:service/*', () => {
  it.each(['sync', 'rollback', 'suspend', 'resume'])(
    '%s needs the bearer token even in local mode',
    async (action) => {
      server = await testServer({ mode: 'local' });
      const response = await post(server, `/api/services/actors/${action}`, { headers: {} });
      expect(response.statusCode).toBe(401);
      expect(response.headers['www-authenticate']).toBe('Bearer realm="ecs-gitops"');
      expect(server.runtime.calls.filter((call) => call.method === action)).toEqual([]);
    },
  );

  it('refuses every call when no STATUS_TOKEN is configured', async () => {
    server = await testServer({ token: null });
    const response = await post(server, '/api/services/actors/sync', { headers: bearer('anything') });
    expect(response.statusCode).toBe(401);
    expect(response.json().error.message).toContain('no STATUS_TOKEN');
    expect(server.runtime.calls).toEqual([]);
  });

  it('sync asks the runtime to reconcile and answers 202 with the service status', async () => {
    server = await testServer();
    const response = await post(server, '/api/services/actors/sync');
    expect(response.statusCode).toBe(202);
    expect(response.json()).toMatchObject({
      service: 'actors',
      action: 'sync',
      accepted: true,
      status: { name: 'actors' },
    });
    expect(server.runtime.calls).toEqual([{ method: 'sync', service: 'actors', caller: 'status-token' }]);
  });

  it('rollback without a body rolls back to the previous revision', async () => {
    server = await testServer();
    const response = await post(server, '/api/services/actors/rollback');
    expect(response.statusCode).toBe(202);
    expect(server.runtime.calls).toEqual([
      { method: 'rollback', service: 'actors', to: undefined, caller: 'status-token' },
    ]);
    expect(response.json().status.suspended).toBe(true);
  });

  it('rollback passes {to}', async () => {
    server = await testServer();
    const response = await post(server, '/api/services/actors/rollback', { body: { to: 'actors:3' } });
    expect(response.statusCode).toBe(202);
    expect(response.json()).toMatchObject({ action: 'rollback', to: 'actors:3' });
    expect(server.runtime.calls).toEqual([
      { method: 'rollback', service: 'actors', to: 'actors:3', caller: 'status-token' },
    ]);
  });

  it('rollback refuses unknown fields instead of ignoring them', async () => {
    server = await testServer();
    const response = await post(server, '/api/services/actors/rollback', { body: { too: 'actors:3' } });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    expect(server.runtime.calls).toEqual([]);
  });

  it('rollback refuses a non-string target', async () => {
    server = await testServer();
    const response = await post(server, '/api/services/actors/rollback', { body: { to: 3 } });
    expect(response.statusCode).toBe(400);
    expect(server.runtime.calls).toEqual([]);
  });

  it('rollback refuses malformed JSON with 400', async () => {
    server = await testServer();
    const response = await server.app.inject({
      method: 'POST',
      url: '/api/services/actors/rollback',
      headers: { ...bearer(), 'content-type': 'application/json' },
      payload: '{"to":',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('BAD_REQUEST');
  });

  it('suspend answers 200 with the suspended status; resume 202', async () => {
    server = await testServer();
    const suspended = await post(server, '/api/services/actors/suspend');
    expect(suspended.statusCode).toBe(200);
    expect(suspended.json()).toMatchObject({
      action: 'suspend',
      accepted: false,
      status: { suspended: true },
    });
    const resumed = await post(server, '/api/services/actors/resume');
    expect(resumed.statusCode).toBe(202);
    expect(resumed.json()).toMatchObject({ action: 'resume', accepted: true, status: { suspended: false } });
  });

  it.each(['sync', 'rollback', 'suspend', 'resume'])(
    '%s answers 404 JSON for an unknown service',
    async (action) => {
      server = await testServer();
      const response = await post(server, `/api/services/ghost/${action}`);
      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({ error: { code: 'SERVICE_NOT_FOUND' } });
      expect(server.runtime.calls).toEqual([]);
    },
  );

  it('says the deployer is still starting when an unknown service is asked for before ready', async () => {
    server = await testServer({ runtime: createFakeRuntime({ ready: false }) });
    const response = await post(server, '/api/services/ghost/sync');
    expect(response.statusCode).toBe(404);
    expect(response.json().error.message).toContain('still starting');
  });

  it('GET on an action answers 405', async () => {
    server = await testServer();
    const response = await server.app.inject({
      method: 'GET',
      url: '/api/services/actors/sync',
      headers: bearer(),
    });
    expect(response.statusCode).toBe(405);
    expect(response.headers.allow).toBe('POST');
  });

  it('a DeployerError from the runtime keeps its code and status', async () => {
    server = await testServer();
    server.runtime.sync = async () => {
      throw new DeployerError('AWS_UNAVAILABLE', 'sqs:SendMessage failed');
    };
    const response = await post(server, '/api/services/actors/sync');
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({
      error: { code: 'AWS_UNAVAILABLE', message: 'sqs:SendMessage failed' },
    });
  });

  it('logs one info line per action with the service', async () => {
    server = await testServer();
    await post(server, '/api/services/actors/suspend');
    const info = server.log.lines().filter((line) => Number(line.level) >= 30);
    expect(info).toMatchObject([
      { level: 30, msg: 'service suspended', service: 'actors', action: 'suspend' },
    ]);
  });

  it('logs a refused call at info without the token', async () => {
    server = await testServer();
    await post(server, '/api/services/actors/sync', { headers: bearer('wrong-token-value') });
    const info = server.log.lines().filter((line) => Number(line.level) >= 30);
    expect(info).toMatchObject([
      { level: 30, msg: 'http request refused', route: '/api/services/:service/sync', statusCode: 401 },
    ]);
    expect(server.log.text()).not.toContain('wrong-token-value');
  });
});

describe('POST /api/services/:service/* on arbitrary names', () => {
  it('never answers 5xx and never acts on a service that does not exist', async () => {
    server = await testServer();
    const s = server;
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1, maxLength: 300 }).filter((name) => name !== 'actors'),
        fc.constantFrom('sync', 'rollback', 'suspend', 'resume'),
        async (name, action) => {
          const response = await post(s, `/api/services/${encodeURIComponent(name)}/${action}`);
          expect([400, 404]).toContain(response.statusCode);
          expect(response.json()).toHaveProperty('error.code');
        },
      ),
      { numRuns: propertyRuns(200) },
    );
    expect(s.runtime.calls).toEqual([]);
  });
});
