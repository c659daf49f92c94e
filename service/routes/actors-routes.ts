// GET /actors and GET /actors/:id behind HTTP basic auth. The auth hook is scoped to this plugin,
// so /health and /version stay open.
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { ACTORS, findActor } from '../actors-data.ts';
import { BASIC_AUTH_CHALLENGE, type Credentials, createBasicAuthCheck } from '../basic-auth.ts';
import { ERROR_BODY_SCHEMA, sendError, truncate } from '../http-errors.ts';
import { rejectOtherMethods } from './method-not-allowed.ts';

const ACTOR_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'actor', 'role'],
  properties: { id: { type: 'integer' }, actor: { type: 'string' }, role: { type: 'string' } },
} as const;

// An optional sign and up to 15 digits: every value is a safe integer, and '1.5', '1e3', ' 1'
// or 'one' are rejected as non-integers rather than coerced.
const INTEGER_ID = /^-?\d{1,15}$/;

export interface ActorsRoutesOptions {
  credentials: Credentials;
}

const authenticatedActorsRoutes: FastifyPluginAsync<ActorsRoutesOptions> = async (scope, options) => {
  const authorized = createBasicAuthCheck(options.credentials);
  scope.addHook('onRequest', async (request, reply) => {
    if (authorized(request.headers.authorization)) return;
    return sendError(
      reply.header('WWW-Authenticate', BASIC_AUTH_CHALLENGE),
      'unauthorized',
      'valid basic auth credentials are required',
    );
  });

  scope.get(
    '/actors',
    { schema: { response: { 200: { type: 'array', items: ACTOR_SCHEMA } } } },
    () => ACTORS,
  );

  scope.get<{ Params: { id: string } }>(
    '/actors/:id',
    {
      schema: {
        params: {
          type: 'object',
          required: ['id'],
          properties: { id: { type: 'string' } },
        },
        response: { 200: ACTOR_SCHEMA, 400: ERROR_BODY_SCHEMA, 404: ERROR_BODY_SCHEMA },
      },
    },
    (request, reply) => {
      const raw = request.params.id;
      if (!INTEGER_ID.test(raw)) {
        return sendError(reply, 'badRequest', `actor id must be an integer, got '${truncate(raw, 40)}'`);
      }
      const actor = findActor(Number(raw));
      if (!actor) return sendError(reply, 'notFound', `no actor with id ${Number(raw)}`);
      return actor;
    },
  );
};

export function registerActorsRoutes(app: FastifyInstance, credentials: Credentials): void {
  app.register(authenticatedActorsRoutes, { credentials });
  rejectOtherMethods(app, '/actors');
  rejectOtherMethods(app, '/actors/:id');
}
