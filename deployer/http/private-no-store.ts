// Every answer of the status, dashboard, metrics and operations API depends on the caller's token: no
// shared cache (CloudFront included) may keep one, or a revoked token keeps reading until it expires.
// An onSend hook so the header is on every answer of a scope, the 401s of its auth hook included.
import type { FastifyInstance } from 'fastify';

export const PRIVATE_NO_STORE = 'private, no-store';

export function preventSharedCaching(scope: FastifyInstance): void {
  scope.addHook('onSend', async (_request, reply, payload) => {
    reply.header('cache-control', PRIVATE_NO_STORE);
    return payload;
  });
}
