// GET /actors and GET /actors/:id behind HTTP basic auth; /health and /version stay open.
// The check runs at the top of each handler rather than in an onRequest hook: it is the same
// guarantee (nothing else runs before it), and it skips Fastify's hook runner on the hot path.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ACTORS, findActor } from '../actors-data.ts';
import { BASIC_AUTH_CHALLENGE, type Credentials, createBasicAuthCheck } from '../basic-auth.ts';
import { ERROR_BODY_SCHEMA, sendError, truncate } from '../http-errors.ts';
import { ACTOR_LIST_SCHEMA, ACTOR_SCHEMA } from '../response-schemas.ts';
import { rejectOtherMethods } from './method-not-allowed.ts';

// The list never changes: serialised once at start instead of on every request (the 200 schema
// still documents the shape). A string rather than a Buffer: Node then writes headers and body as
// one chunk, which measured cheaper here.
const ACTORS_JSON = JSON.stringify(ACTORS);

// Every answer here depends on the caller's credentials: no shared cache (CloudFront included) may
// keep it, or a revoked credential keeps working until the entry expires.
const NOT_CACHEABLE = 'private, no-store';

// The whole head of a 200 to GET /actors, fixed at start too. The handler writes it and the body
// straight to Node's response (reply.hijack()): nothing in Fastify's send path (content-type
// parsing, hook checks, the byte length of the body, the header object) has anything left to
// decide for a fixed answer. Node still adds Date and the keep-alive headers, drops the body for
// HEAD, and the response still passes served-responses.ts (counters, drain's Connection: close).
const ACTORS_HEAD: readonly string[] = Object.freeze([
  'cache-control',
  NOT_CACHEABLE,
  'content-type',
  'application/json; charset=utf-8',
  'content-length',
  String(Buffer.byteLength(ACTORS_JSON)),
]);

// An optional sign and up to 15 digits: every value is a safe integer, and '1.5', '1e3', ' 1'
// or 'one' are rejected as non-integers rather than coerced.
const INTEGER_ID = /^-?\d{1,15}$/;

function unauthorized(reply: FastifyReply): FastifyReply {
  return sendError(
    reply.header('www-authenticate', BASIC_AUTH_CHALLENGE),
    'unauthorized',
    'valid basic auth credentials are required',
  );
}

export function registerActorsRoutes(app: FastifyInstance, credentials: Credentials): void {
  const authorized = createBasicAuthCheck(credentials);

  // The handlers send and return nothing: a handler that returns the reply has Fastify treat it as
  // a promise (FastifyReply has then()), which costs two closures and a then() call per request.
  // Header names are given in lower case, as Fastify stores them (it lower-cases every name it is
  // given: a new string per request otherwise).
  app.get(
    '/actors',
    { schema: { response: { 200: ACTOR_LIST_SCHEMA, 401: ERROR_BODY_SCHEMA } } },
    (request, reply): void => {
      if (authorized(request.headers.authorization)) {
        reply.hijack();
        reply.raw.writeHead(200, ACTORS_HEAD as string[]);
        reply.raw.end(ACTORS_JSON);
        return;
      }
      reply.header('cache-control', NOT_CACHEABLE);
      unauthorized(reply);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/actors/:id',
    {
      schema: {
        response: {
          200: ACTOR_SCHEMA,
          400: ERROR_BODY_SCHEMA,
          401: ERROR_BODY_SCHEMA,
          404: ERROR_BODY_SCHEMA,
        },
      },
    },
    (request, reply): void => {
      reply.header('cache-control', NOT_CACHEABLE);
      if (!authorized(request.headers.authorization)) {
        unauthorized(reply);
        return;
      }
      const raw = request.params.id;
      if (!INTEGER_ID.test(raw)) {
        sendError(reply, 'badRequest', `actor id must be an integer, got '${truncate(raw, 40)}'`);
        return;
      }
      const actor = findActor(Number(raw));
      if (actor) reply.send(actor);
      else sendError(reply, 'notFound', `no actor with id ${Number(raw)}`);
    },
  );

  rejectOtherMethods(app, '/actors');
  rejectOtherMethods(app, '/actors/:id');
}
