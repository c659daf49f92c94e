// The one place that turns errors into HTTP answers: `{error: {code, message}}` with a stable code,
// the DeployerError's own status, and never a stack trace or an internal message for 5xx surprises.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import { isDeployerError } from '../domain/errors.ts';

export interface ErrorBody {
  error: { code: string; message: string };
}

export interface HttpError {
  statusCode: number;
  body: ErrorBody;
}

export const errorBody = (code: string, message: string): ErrorBody => ({ error: { code, message } });

/** Codes for Fastify's own 4xx errors (body too large, bad JSON, schema validation...). */
const CODES_BY_STATUS: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  408: 'REQUEST_TIMEOUT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS',
  431: 'HEADERS_TOO_LARGE',
};

export function toHttpError(error: unknown): HttpError {
  if (isDeployerError(error)) {
    return { statusCode: error.httpStatus, body: errorBody(error.code, error.message) };
  }
  const statusCode = (error as Partial<FastifyError> | undefined)?.statusCode;
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    const fastifyError = error as FastifyError;
    const code = fastifyError.validation
      ? 'VALIDATION_FAILED'
      : (CODES_BY_STATUS[statusCode] ?? 'BAD_REQUEST');
    return { statusCode, body: errorBody(code, fastifyError.message) };
  }
  return {
    statusCode: 500,
    body: errorBody('INTERNAL_ERROR', "internal error; the deployer's log has the details"),
  };
}

export function sendError(
  reply: FastifyReply,
  statusCode: number,
  code: string,
  message: string,
): FastifyReply {
  return reply.code(statusCode).type('application/json; charset=utf-8').send(errorBody(code, message));
}

/** Installs the JSON error and not-found handlers on the root instance (children inherit them). */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const { statusCode, body } = toHttpError(error);
    if (statusCode >= 500)
      request.log.error({ err: error, route: request.routeOptions.url }, 'request failed');
    else request.log.debug({ code: body.error.code, route: request.routeOptions.url }, 'request rejected');
    return reply.code(statusCode).type('application/json; charset=utf-8').send(body);
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(reply, 404, 'NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`),
  );
}

const ALL_METHODS: HTTPMethods[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/** Answers 405 with an `Allow` header for every method of `url` other than `allowed`. */
export function allowOnly(app: FastifyInstance, url: string, allowed: HTTPMethods[]): void {
  const allow = allowed.includes('GET') ? [...allowed, 'HEAD' as const] : allowed;
  const others = ALL_METHODS.filter((method) => !allow.includes(method));
  app.route({
    method: others,
    url,
    exposeHeadRoute: false,
    handler: (request, reply) =>
      sendError(
        reply.header('allow', allow.join(', ')),
        405,
        'METHOD_NOT_ALLOWED',
        `${request.method} is not allowed on ${url}; use ${allow.join(' or ')}`,
      ),
  });
}
