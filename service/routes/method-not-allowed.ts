// Known paths answer other methods with 405 and an Allow header instead of a misleading 404.
import type { FastifyInstance } from 'fastify';
import { sendError } from '../http-errors.ts';

const OTHER_METHODS = ['DELETE', 'OPTIONS', 'PATCH', 'POST', 'PUT'];

export function rejectOtherMethods(app: FastifyInstance, url: string, allowed = 'GET, HEAD'): void {
  app.route({
    method: OTHER_METHODS,
    url,
    // Nothing is read from the body; a body the client sends is irrelevant to the answer.
    bodyLimit: 1024 * 1024,
    handler: (request, reply) =>
      sendError(
        reply.header('Allow', allowed),
        'methodNotAllowed',
        `${request.method} is not allowed on ${url}; allowed: ${allowed}`,
      ),
  });
}
