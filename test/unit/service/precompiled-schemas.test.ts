// The actors service serializes its answers with code generated ahead of time (`npm run validators`,
// service/generated/), so a start compiles no schema. These tests fail if the app ever compiles a
// schema itself again, and hold the generated code to what Fastify's own compiler builds from the
// same schemas.
import fastJsonStringify from 'fast-json-stringify';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { VersionReport } from '../../../common/contract.ts';
import { FASTIFY_SERIALIZER_OPTIONS, SERVICE_SERIALIZERS } from '../../../scripts/generate-serializers.ts';
import { ACTORS } from '../../../service/actors-data.ts';
import { buildActorsApp } from '../../../service/app.ts';
import serializeActorList from '../../../service/generated/actor-list-serializer.js';
import serializeActor from '../../../service/generated/actor-serializer.js';
import serializeErrorBody from '../../../service/generated/error-body-serializer.js';
import serializeHealth from '../../../service/generated/health-serializer.js';
import serializeVersionReport from '../../../service/generated/version-report-serializer.js';
import { errorBody } from '../../../service/http-errors.ts';

const AUTH = `Basic ${Buffer.from('u:p').toString('base64')}`;
const VERSION: VersionReport = { digest: 'sha256:ab', revision: null, image: null, version: '1.2.3' };

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

function actorsApp(): FastifyInstance {
  const app = buildActorsApp({ credentials: { user: 'u', password: 'p' }, version: VERSION });
  apps.push(app);
  return app;
}

/** Requests that reach every status of every route with a response schema. */
const REQUESTS: InjectOptions[] = [
  { method: 'GET', url: '/health' },
  { method: 'HEAD', url: '/health' },
  { method: 'GET', url: '/version' },
  { method: 'GET', url: '/actors', headers: { authorization: AUTH } },
  { method: 'GET', url: '/actors' },
  { method: 'GET', url: '/actors/3', headers: { authorization: AUTH } },
  { method: 'HEAD', url: '/actors/3', headers: { authorization: AUTH } },
  { method: 'GET', url: '/actors/x', headers: { authorization: AUTH } },
  { method: 'GET', url: '/actors/99', headers: { authorization: AUTH } },
  { method: 'GET', url: '/actors/3' },
];

/** Inputs each generated serializer is tried on: what the service sends, and inputs it does not. */
const FIXTURES: Record<string, unknown[]> = {
  'service/generated/actor-list-serializer.js': [ACTORS, [], [{ id: 1.5, actor: 2, role: null, x: 1 }]],
  'service/generated/actor-serializer.js': [...ACTORS, { id: '7', actor: 'a"\u2028', role: '</script>' }],
  'service/generated/health-serializer.js': [{ status: 'ok' }, { status: 'ok', extra: true }],
  'service/generated/error-body-serializer.js': [
    errorBody('NOT_FOUND', 'no route GET /x'),
    errorBody('BAD_REQUEST', `actor id must be an integer, got '\u0000"\\'`),
  ],
  'service/generated/version-report-serializer.js': [
    VERSION,
    { digest: null, revision: 'r', image: 'i', version: '0.1.0' },
    { digest: 1, revision: undefined, image: 'i', version: '0.1.0', more: 'left out' },
  ],
};

const GENERATED: Record<string, (input: never) => string> = {
  'service/generated/actor-list-serializer.js': serializeActorList,
  'service/generated/actor-serializer.js': serializeActor,
  'service/generated/health-serializer.js': serializeHealth,
  'service/generated/error-body-serializer.js': serializeErrorBody,
  'service/generated/version-report-serializer.js': serializeVersionReport,
};

/** The text, or the message it throws with. */
const outcome = (serialize: (input: never) => string, input: unknown): string => {
  try {
    return `text ${serialize(input as never)}`;
  } catch (error) {
    return `throws ${(error as Error).message}`;
  }
};

describe('the actors service compiles no schema', () => {
  it('answers every route with a response schema through the generated functions', async () => {
    const app = actorsApp();
    const used = new Map<string, unknown>();
    app.addHook('onSend', async (request, reply) => {
      used.set(`${request.method} ${request.routeOptions.url} ${reply.statusCode}`, {
        serializer: reply.getSerializationFunction(String(reply.statusCode)),
        params: request.getValidationFunction('params'),
      });
    });
    await app.ready();
    for (const request of REQUESTS) await app.inject(request);
    const generated = (serializer: unknown) => ({ serializer, params: undefined });
    expect(Object.fromEntries(used)).toEqual({
      'GET /health 200': generated(serializeHealth),
      'HEAD /health 200': generated(serializeHealth),
      'GET /version 200': generated(serializeVersionReport),
      // A 200 to GET /actors is written without Fastify's send path (actors-routes.ts): no onSend.
      'GET /actors 401': generated(serializeErrorBody),
      'GET /actors/:id 200': generated(serializeActor),
      'HEAD /actors/:id 200': generated(serializeActor),
      'GET /actors/:id 400': generated(serializeErrorBody),
      'GET /actors/:id 404': generated(serializeErrorBody),
      'GET /actors/:id 401': generated(serializeErrorBody),
    });
  });

  it("hands Fastify its compilers when the instance is made, so Fastify requires neither of its own (ajv's, fast-json-stringify's)", () => {
    const app = actorsApp() as unknown as Record<symbol, { opts: Record<string, unknown> }>;
    const key = Object.getOwnPropertySymbols(app).find((s) => s.description === 'fastify.schemaController');
    expect(key && app[key]?.opts).toMatchObject({
      isCustomValidatorCompiler: true,
      isCustomSerializerCompiler: true,
    });
  });

  it('refuses a route whose schema has no generated code when it gets ready, naming the route', async () => {
    const app = actorsApp();
    app.get('/extra', { schema: { response: { 200: { type: 'object' } } } }, async () => ({}));
    await expect(app.ready()).rejects.toThrow(/no generated serializer for the 200 answer of GET \/extra/);
    const other = actorsApp();
    other.post('/extra', { schema: { body: { type: 'object' } } }, async () => ({}));
    await expect(other.ready()).rejects.toThrow(
      /validates no request with a schema \(the body of POST \/extra\)/,
    );
  });

  describe.each(SERVICE_SERIALIZERS.map((spec) => [spec.file, spec] as const))('%s', (file, spec) => {
    it('writes (or throws) what the serializer Fastify compiled from the same schema does', () => {
      const compiled = fastJsonStringify(spec.schema, FASTIFY_SERIALIZER_OPTIONS) as (input: never) => string;
      const generated = GENERATED[file];
      const fixtures = FIXTURES[file];
      if (!generated || !fixtures) throw new Error(`${file} has no import or fixtures here`);
      for (const input of [...fixtures, null, 'text', {}])
        expect(outcome(generated, input)).toBe(outcome(compiled, input));
    });
  });
});
