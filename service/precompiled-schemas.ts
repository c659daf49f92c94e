// Fastify's schema compilers replaced by look-ups of the serializers generated ahead of time (`npm run
// validators`: fast-json-stringify's standalone code in service/generated/). Fastify would compile
// each response schema of each route (GET and its HEAD route) when the server gets ready, after
// requiring ajv and fast-json-stringify to do so: ~0.13 of the ~0.5 CPU-s a service start took.
// The service validates no request with a schema. A schema with no generated code is refused when the
// server gets ready, naming the route, rather than compiled quietly.
// https://fastify.dev/docs/latest/Reference/Server/#schemacontroller
import type { FastifySchemaCompiler, FastifySerializerCompiler, FastifyServerOptions } from 'fastify';
import serializeActorList from './generated/actor-list-serializer.js';
import serializeActor from './generated/actor-serializer.js';
import serializeErrorBody from './generated/error-body-serializer.js';
import serializeHealth from './generated/health-serializer.js';
import serializeVersionReport from './generated/version-report-serializer.js';
import { ERROR_BODY_SCHEMA } from './http-errors.ts';
import { ACTOR_LIST_SCHEMA, ACTOR_SCHEMA, HEALTH_SCHEMA } from './response-schemas.ts';
import { VERSION_REPORT_SCHEMA } from './version-report.ts';

// Keyed by the schema objects themselves: the routes pass these very objects (Fastify hands them to
// the compiler unchanged), so an edited copy cannot match by accident.
const serializers = new Map<unknown, (data: never) => string>([
  [ACTOR_LIST_SCHEMA, serializeActorList],
  [ACTOR_SCHEMA, serializeActor],
  [HEALTH_SCHEMA, serializeHealth],
  [ERROR_BODY_SCHEMA, serializeErrorBody],
  [VERSION_REPORT_SCHEMA, serializeVersionReport],
]);

const REGENERATE = 'add it to scripts/generate-serializers.ts and run `npm run validators`';

const noValidator: FastifySchemaCompiler<unknown> = ({ method, url, httpPart }) => {
  throw new Error(`the service validates no request with a schema (the ${httpPart} of ${method} ${url})`);
};

const precompiledSerializer: FastifySerializerCompiler<unknown> = ({ schema, method, url, httpStatus }) => {
  const serialize = serializers.get(schema);
  if (!serialize)
    throw new Error(
      `no generated serializer for the ${httpStatus} answer of ${method} ${url}: ${REGENERATE}`,
    );
  return serialize as (data: unknown) => string;
};

type SchemaController = NonNullable<FastifyServerOptions['schemaController']>;
type CompilersFactory = NonNullable<SchemaController['compilersFactory']>;

/**
 * Fastify's `schemaController` option with the look-ups as its compilers. Given none, Fastify requires
 * its default compilers when the instance is made (@fastify/ajv-compiler with ajv and ajv-formats,
 * @fastify/fast-json-stringify-compiler with fast-json-stringify).
 */
export const PRECOMPILED_SCHEMAS: SchemaController = {
  // Fastify types a factory's compiler as ajv's and fast-json-stringify's own (it calls them with the
  // route's schema, as it calls a compiler set with setSerializerCompiler).
  compilersFactory: {
    buildValidator: (() => noValidator) as unknown as CompilersFactory['buildValidator'],
    buildSerializer: (() => precompiledSerializer) as unknown as CompilersFactory['buildSerializer'],
  },
};
