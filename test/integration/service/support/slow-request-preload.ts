// Test-only preload (`node --import <this> service/main.ts`): delays any request that carries an
// `x-test-delay-ms` header, so a test can hold a request in flight while it sends SIGTERM, and fails
// any request that carries `x-test-fail` (a 500 from inside the app, to see how it is logged). It
// hooks in through Fastify's `fastify.initialization` diagnostics channel; the service has no test seam.
import { subscribe } from 'node:diagnostics_channel';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';

subscribe('fastify.initialization', (message) => {
  const { fastify } = message as { fastify: FastifyInstance };
  fastify.addHook('onRequest', async (request) => {
    if (request.headers['x-test-fail'] !== undefined) throw new Error('test-preload: failing on purpose');
    const delayMs = Number(request.headers['x-test-delay-ms'] ?? 0);
    if (delayMs > 0) {
      process.stderr.write(`test-preload: holding ${request.url} for ${delayMs} ms\n`);
      await sleep(delayMs);
    }
  });
});
