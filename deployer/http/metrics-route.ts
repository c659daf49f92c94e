// GET /metrics: the runtime's prom-client registry in the Prometheus text format.
import type { FastifyPluginAsync } from 'fastify';
import type { DeployerRuntime } from '../runtime/runtime.ts';
import { allowOnly } from './http-errors.ts';

export const metricsRoute: FastifyPluginAsync<{ runtime: DeployerRuntime }> = async (app, { runtime }) => {
  app.get('/metrics', async (_request, reply) => {
    const body = await runtime.metrics.metrics();
    return reply.header('cache-control', 'no-store').type(runtime.metrics.contentType).send(body);
  });
  allowOnly(app, '/metrics', ['GET']);
};
