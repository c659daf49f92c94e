// Every error the service answers with, defined once: a stable code, an HTTP status, one JSON shape
// (`{error: {code, message}}`, the same shape the deployer uses).
import type { FastifyReply } from 'fastify';

export const SERVICE_ERRORS = {
  badRequest: { statusCode: 400, code: 'BAD_REQUEST' },
  unauthorized: { statusCode: 401, code: 'UNAUTHORIZED' },
  notFound: { statusCode: 404, code: 'NOT_FOUND' },
  methodNotAllowed: { statusCode: 405, code: 'METHOD_NOT_ALLOWED' },
  requestHeadersTooLarge: { statusCode: 431, code: 'REQUEST_HEADERS_TOO_LARGE' },
  internal: { statusCode: 500, code: 'INTERNAL' },
} as const;

export type ServiceErrorKind = keyof typeof SERVICE_ERRORS;

export interface ErrorBody {
  error: { code: string; message: string };
}

/** JSON schema of ErrorBody, for route response schemas. */
export const ERROR_BODY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      additionalProperties: false,
      required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string' } },
    },
  },
} as const;

export function errorBody(code: string, message: string): ErrorBody {
  return { error: { code, message } };
}

export function sendError(reply: FastifyReply, kind: ServiceErrorKind, message: string): FastifyReply {
  const { statusCode, code } = SERVICE_ERRORS[kind];
  return reply.code(statusCode).type('application/json; charset=utf-8').send(errorBody(code, message));
}

/** Code for a 4xx status that Fastify or Node raised (bad JSON, too large, unsupported type…). */
export function codeForStatus(statusCode: number): string {
  const known = Object.values(SERVICE_ERRORS).find((entry) => entry.statusCode === statusCode);
  if (known) return known.code;
  if (statusCode === 413) return 'PAYLOAD_TOO_LARGE';
  if (statusCode === 414) return 'URI_TOO_LONG';
  if (statusCode === 415) return 'UNSUPPORTED_MEDIA_TYPE';
  return statusCode >= 500 ? 'INTERNAL' : 'BAD_REQUEST';
}

/** Keeps echoed request data (URLs, ids) short in messages and logs. */
export function truncate(text: string, max = 120): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}
