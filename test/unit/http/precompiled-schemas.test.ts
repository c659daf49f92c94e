// The server's request validators and response serializers are generated ahead of time (`npm run
// validators`), so a deployer compiles no schema when it starts or answers its first /status. These
// tests fail if the server ever compiles a schema itself again, and hold its answers to what Fastify
// answered when it compiled the same schemas.
import fastJsonStringify from 'fast-json-stringify';
import Fastify, { type FastifyInstance, type InjectOptions } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import serializeDeployerStatus from '../../../deployer/contract/generated/deployer-status-serializer.js';
import serializeServiceHistory from '../../../deployer/contract/generated/service-history-serializer.js';
import serializeServiceStatus from '../../../deployer/contract/generated/service-status-serializer.js';
import type { ServiceHistory } from '../../../deployer/contract/history-model.ts';
import { apiRoutes } from '../../../deployer/http/api-routes.ts';
import validateHistoryQuery from '../../../deployer/http/generated/history-query-validator.js';
import validateRollbackBody from '../../../deployer/http/generated/rollback-body-validator.js';
import validateServiceParams from '../../../deployer/http/generated/service-params-validator.js';
import validateSyncBody from '../../../deployer/http/generated/sync-body-validator.js';
import { historyRoute } from '../../../deployer/http/history-route.ts';
import { registerErrorHandling } from '../../../deployer/http/http-errors.ts';
import { REQUEST_AJV_OPTIONS } from '../../../deployer/http/request-schemas.ts';
import { buildServer } from '../../../deployer/http/server.ts';
import { statusRoutes } from '../../../deployer/http/status-routes.ts';
import { captureLogger } from '../../support/capture-logger.ts';
import { createFakeRuntime, fakeDeployerStatus } from '../../support/fake-runtime.ts';
import { bearer, TEST_TOKEN } from '../../support/test-server.ts';
import { histories, serviceVariants } from './response-fixtures.ts';

/**
 * How many schemas fast-json-stringify has built in this process so far, plus a constant: it numbers
 * the root of every schema it builds from one counter, which shows in its standalone code.
 */
function fastJsonStringifyCounter(): number {
  const code = fastJsonStringify({ anyOf: [{ type: 'string' }, { type: 'null' }] }, { mode: 'standalone' });
  return Number(/__fjs_root_(\d+)/.exec(code)?.[1]);
}

const servers: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((app) => app.close()));
});

function deployerServer(): FastifyInstance {
  const status = fakeDeployerStatus({ services: serviceVariants() });
  const runtime = createFakeRuntime({ status });
  for (const history of histories()) runtime.setHistory({ ...history, service: 'rich' });
  const app = buildServer({
    runtime,
    logger: captureLogger().logger,
    settings: {
      mode: 'local',
      statusToken: TEST_TOKEN,
      githubWebhookSecret: 'secret',
      trackedRef: 'refs/heads/main',
      config: { kind: 'directory', path: '/tmp/config' },
    },
  });
  servers.push(app);
  return app;
}

/** Requests that reach every route with a schema: answers, and refusals by each request schema. */
const REQUESTS: InjectOptions[] = [
  { method: 'GET', url: '/status' },
  { method: 'HEAD', url: '/status' },
  { method: 'GET', url: '/status/rich' },
  { method: 'GET', url: '/status/nothing' },
  { method: 'HEAD', url: '/status/policy-3' },
  { method: 'GET', url: '/status/missing' },
  { method: 'GET', url: '/api/services/rich/history' },
  { method: 'GET', url: '/api/services/rich/history?limit=5' },
  ...['0', '1000', 'ten', '5&limit=6'].map((limit) => ({
    method: 'GET' as const,
    url: `/api/services/rich/history?limit=${limit}`,
  })),
  { method: 'GET', url: '/api/services/rich/history?other=1' },
  // The router refuses a path parameter over 100 characters (a 404) before the schema's 255 is reached.
  { method: 'GET', url: `/api/services/${'x'.repeat(100)}/history` },
  ...[
    {},
    { to: '6' },
    { to: '' },
    { to: 'x'.repeat(2049) },
    { dryRun: 'false' },
    { extra: 1 },
    [],
    'null',
  ].map((body) => ({ method: 'POST' as const, url: '/api/services/rich/rollback', payload: body })),
  { method: 'POST', url: '/api/services/rich/rollback?dry=1', payload: { to: '6', dryRun: true } },
  ...[{}, { overrideWindow: true }, { overrideWindow: 1 }, { other: true }].map((body) => ({
    method: 'POST' as const,
    url: '/api/services/rich/sync',
    payload: body,
  })),
  ...['approve', 'suspend', 'resume'].map((action) => ({
    method: 'POST' as const,
    url: `/api/services/rich/${action}`,
  })),
];

describe('the server compiles no schema', () => {
  it('answers every route with a schema through the generated functions, not ones Fastify compiled', async () => {
    const app = deployerServer();
    const used = new Map<string, Record<string, unknown>>();
    app.addHook('onSend', async (request, reply) => {
      used.set(`${request.method} ${request.routeOptions.url}`, {
        params: request.getValidationFunction('params'),
        querystring: request.getValidationFunction('querystring'),
        body: request.getValidationFunction('body'),
        200: reply.getSerializationFunction('200'),
      });
    });
    await app.ready();
    for (const request of REQUESTS) await app.inject({ ...request, headers: bearer() });
    expect(Object.fromEntries(used)).toEqual({
      'GET /status': { 200: serializeDeployerStatus },
      'HEAD /status': { 200: serializeDeployerStatus },
      'GET /status/:service': { 200: serializeServiceStatus },
      'HEAD /status/:service': { 200: serializeServiceStatus },
      'GET /api/services/:service/history': {
        params: validateServiceParams,
        querystring: validateHistoryQuery,
        200: serializeServiceHistory,
      },
      'POST /api/services/:service/rollback': { params: validateServiceParams, body: validateRollbackBody },
      'POST /api/services/:service/sync': { params: validateServiceParams, body: validateSyncBody },
      'POST /api/services/:service/approve': { params: validateServiceParams },
      'POST /api/services/:service/suspend': { params: validateServiceParams },
      'POST /api/services/:service/resume': { params: validateServiceParams },
    });
  });

  it("hands Fastify its compilers when the instance is made, so Fastify requires neither of its own (ajv's, fast-json-stringify's)", () => {
    // Fastify requires @fastify/ajv-compiler and @fastify/fast-json-stringify-compiler in its
    // constructor unless the schemaController option brings a factory for each; `opts` says which.
    const app = deployerServer() as unknown as Record<symbol, { opts: Record<string, unknown> }>;
    const key = Object.getOwnPropertySymbols(app).find((s) => s.description === 'fastify.schemaController');
    expect(key && app[key]?.opts).toMatchObject({
      isCustomValidatorCompiler: true,
      isCustomSerializerCompiler: true,
    });
  });

  it('builds no serializer while it starts and answers its first requests', async () => {
    const selfCost = -fastJsonStringifyCounter() + fastJsonStringifyCounter();
    const before = fastJsonStringifyCounter();
    const app = deployerServer();
    await app.ready();
    for (const request of REQUESTS) await app.inject({ ...request, headers: bearer() });
    expect(fastJsonStringifyCounter() - before).toBe(selfCost);
    // The counter does count: one schema built in between shows.
    const again = fastJsonStringifyCounter();
    fastJsonStringify({ type: 'object', properties: {} });
    expect(fastJsonStringifyCounter() - again).toBeGreaterThan(selfCost);
  });

  it('refuses a route whose schema has no generated code when it gets ready, naming the route', async () => {
    const app = deployerServer();
    app.get('/extra', { schema: { response: { 200: { type: 'object' } } } }, async () => ({}));
    await expect(app.ready()).rejects.toThrow(/no generated serializer for the 200 answer of GET \/extra/);
    const other = deployerServer();
    other.post('/extra', { schema: { body: { type: 'object' } } }, async () => ({}));
    await expect(other.ready()).rejects.toThrow(/no generated validator for the body of POST \/extra/);
  });

  it('answers as Fastify did when it compiled the same schemas (status, headers, bytes)', async () => {
    // The routes with schemas on a plain Fastify: its own compilers, the options the server had.
    const status = fakeDeployerStatus({ services: serviceVariants() });
    const reference = Fastify({ ajv: { customOptions: REQUEST_AJV_OPTIONS } });
    servers.push(reference);
    registerErrorHandling(reference);
    const runtime = createFakeRuntime({ status });
    for (const history of histories()) runtime.setHistory({ ...history, service: 'rich' } as ServiceHistory);
    await reference.register(statusRoutes, { runtime });
    await reference.register(historyRoute, { runtime });
    await reference.register(apiRoutes, { runtime });
    const app = deployerServer();
    for (const request of REQUESTS) {
      const expected = await reference.inject(request);
      const actual = await app.inject({ ...request, headers: bearer() });
      const seen = (r: typeof actual) => ({
        request: `${request.method} ${request.url}`,
        statusCode: r.statusCode,
        type: r.headers['content-type'],
        length: r.headers['content-length'],
        payload: r.payload,
      });
      expect(seen(actual)).toEqual(seen(expected));
    }
  });
});
