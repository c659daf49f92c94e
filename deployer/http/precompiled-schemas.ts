// Fastify's schema compilers replaced by look-ups of code generated ahead of time (`npm run
// validators`: ajv's standalone validators for the requests, fast-json-stringify's standalone
// serializers for the answers). Fastify would compile each route's schemas when the server gets ready
// (the response schemas twice: the GET route and its HEAD route) and the serializers' `anyOf` branches
// on the first answer that reaches them: ~0.4 s of CPU per deployer start, and every test server paid
// it too. A schema with no generated code is refused when the server gets ready, naming the route,
// rather than compiled quietly.
import type { FastifySchemaCompiler, FastifySerializerCompiler, FastifyServerOptions } from 'fastify';
import serializeDeployerStatus from '../contract/generated/deployer-status-serializer.js';
import serializeServiceHistory from '../contract/generated/service-history-serializer.js';
import serializeServiceStatus from '../contract/generated/service-status-serializer.js';
import { serviceHistorySchema } from '../contract/history-schema.ts';
import { deployerStatusSchema, serviceStatusSchema } from '../contract/status-schema.ts';
import validateHistoryQuery from './generated/history-query-validator.js';
import validateRollbackBody from './generated/rollback-body-validator.js';
import validateServiceParams from './generated/service-params-validator.js';
import validateSyncBody from './generated/sync-body-validator.js';
import {
  historyQuerySchema,
  rollbackBodySchema,
  serviceParamsSchema,
  syncBodySchema,
} from './request-schemas.ts';

// Keyed by the schema objects themselves: the routes pass these very objects (Fastify hands them to
// the compiler unchanged), so an edited copy cannot match by accident.
const validators = new Map<unknown, (data: unknown) => boolean>([
  [serviceParamsSchema, validateServiceParams],
  [rollbackBodySchema, validateRollbackBody],
  [syncBodySchema, validateSyncBody],
  [historyQuerySchema, validateHistoryQuery],
]);

const serializers = new Map<unknown, (data: never) => string>([
  [deployerStatusSchema, serializeDeployerStatus],
  [serviceStatusSchema, serializeServiceStatus],
  [serviceHistorySchema, serializeServiceHistory],
]);

type SchemaController = NonNullable<FastifyServerOptions['schemaController']>;
type CompilersFactory = NonNullable<SchemaController['compilersFactory']>;

const REGENERATE =
  'add it to scripts/generate-validators.ts (or generate-serializers.ts) and run `npm run validators`';

const precompiledValidator: FastifySchemaCompiler<unknown> = ({ schema, method, url, httpPart }) => {
  const validate = validators.get(schema);
  if (!validate)
    throw new Error(`no generated validator for the ${httpPart} of ${method} ${url}: ${REGENERATE}`);
  return validate;
};

const precompiledSerializer: FastifySerializerCompiler<unknown> = ({ schema, method, url, httpStatus }) => {
  const serialize = serializers.get(schema);
  if (!serialize)
    throw new Error(
      `no generated serializer for the ${httpStatus} answer of ${method} ${url}: ${REGENERATE}`,
    );
  return serialize as (data: unknown) => string;
};

/**
 * Fastify's `schemaController` option with the look-ups as its compilers. Given none, Fastify requires
 * its default compilers when the instance is made (@fastify/ajv-compiler, which loads ajv and
 * ajv-formats, and @fastify/fast-json-stringify-compiler, which loads fast-json-stringify and ajv
 * again): ~0.09 CPU-s of every deployer start for code it never runs.
 * https://fastify.dev/docs/latest/Reference/Server/#schemacontroller
 */
export const PRECOMPILED_SCHEMAS: SchemaController = {
  // Fastify types a factory's compiler as ajv's and fast-json-stringify's own (it calls them with the
  // route's schema, as it calls a compiler set with setValidatorCompiler).
  compilersFactory: {
    buildValidator: (() => precompiledValidator) as unknown as CompilersFactory['buildValidator'],
    buildSerializer: (() => precompiledSerializer) as unknown as CompilersFactory['buildSerializer'],
  },
};
