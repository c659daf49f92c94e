// GET /api/services/:service/history: read access like /status, the history schema, errors in our words;
// and the rollback answer that names its target (dry run included).
import { afterEach, describe, expect, it } from 'vitest';
import type { ServiceHistory } from '../../../deployer/contract/history-model.ts';
import { bearer, type TestServer, testServer } from '../../support/test-server.ts';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.app.close();
  server = undefined;
});

const HISTORY: ServiceHistory = {
  service: 'actors',
  cluster: 'gitops',
  ecsService: 'actors',
  family: 'actors',
  liveTaskDefinitionArn: 'arn:aws:ecs:us-east-1:0:task-definition/actors:2',
  revisions: [
    {
      taskDefinitionArn: 'arn:aws:ecs:us-east-1:0:task-definition/actors:2',
      revision: 'actors:2',
      live: true,
      image: 'repo/actors@sha256:1',
      result: 'Succeeded',
      trigger: { kind: 'git-push', commit: 'a'.repeat(40), author: 'Ada', message: 'pin' },
      links: { commit: `https://github.com/o/r/commit/${'a'.repeat(40)}` },
    },
  ],
  more: 0,
};

describe('GET /api/services/:service/history', () => {
  it('is public in local mode and answers the history with ?limit passed on', async () => {
    server = await testServer({ mode: 'local' });
    server.runtime.setHistory(HISTORY);
    const response = await server.app.inject({ method: 'GET', url: '/api/services/actors/history?limit=5' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual(HISTORY);
    expect(server.runtime.calls).toContainEqual({ method: 'history', service: 'actors', limit: 5 });
  });

  it('needs a token in aws mode, a read token is enough', async () => {
    server = await testServer({ mode: 'aws' });
    const refused = await server.app.inject({ method: 'GET', url: '/api/services/actors/history' });
    expect(refused.statusCode).toBe(401);
    const allowed = await server.app.inject({
      method: 'GET',
      url: '/api/services/actors/history',
      headers: bearer(),
    });
    expect(allowed.statusCode).toBe(200);
    expect(allowed.json()).toMatchObject({
      service: 'actors',
      revisions: [{ revision: 'actors:1', live: true }],
    });
  });

  it('an unknown service is a 404 that says where the names are', async () => {
    server = await testServer({ mode: 'local' });
    const response = await server.app.inject({ method: 'GET', url: '/api/services/actor/history' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({
      error: {
        code: 'SERVICE_NOT_FOUND',
        message: "no service named 'actor' in the config; GET /status lists them",
      },
    });
  });

  it.each(['0', '101', 'ten'])('?limit=%s is refused', async (limit) => {
    server = await testServer({ mode: 'local' });
    const response = await server.app.inject({
      method: 'GET',
      url: `/api/services/actors/history?limit=${limit}`,
    });
    expect(response.statusCode).toBe(400);
    expect(server.runtime.calls.filter((c) => c.method === 'history')).toEqual([]);
  });

  it('POST is not allowed', async () => {
    server = await testServer({ mode: 'local' });
    const response = await server.app.inject({ method: 'POST', url: '/api/services/actors/history' });
    expect(response.statusCode).toBe(405);
  });
});

describe('POST /api/services/:service/rollback answers with its plan', () => {
  it('a dry run answers 200, not accepted, with the plan; the token name reaches the runtime', async () => {
    server = await testServer({ mode: 'local' });
    const response = await server.app.inject({
      method: 'POST',
      url: '/api/services/actors/rollback',
      headers: bearer(),
      payload: { to: 'actors:1', dryRun: true },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      action: 'rollback',
      accepted: false,
      plan: { dryRun: true, to: { revision: 'actors:1' } },
      status: { suspended: false },
    });
    expect(server.runtime.calls).toEqual([
      { method: 'rollback', service: 'actors', to: 'actors:1', dryRun: true, caller: 'status-token' },
    ]);
  });
});
