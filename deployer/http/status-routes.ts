// GET /status (every service, config and queue) and GET /status/:service, as JSON (status-model.ts).
import type { FastifyPluginAsync } from 'fastify';
import type { DeployerRuntime } from '../runtime/runtime.ts';
import { allowOnly, sendError } from './http-errors.ts';

export const statusRoutes: FastifyPluginAsync<{ runtime: DeployerRuntime }> = async (app, { runtime }) => {
  app.get('/status', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    return runtime.status();
  });
  app.get<{ Params: { service: string } }>('/status/:service', async (request, reply) => {
    reply.header('cache-control', 'no-store');
    const status = runtime.serviceStatus(request.params.service);
    if (!status)
      return sendError(
        reply,
        404,
        'SERVICE_NOT_FOUND',
        `no service named '${request.params.service}' in the config; GET /status lists them`,
      );
    return status;
  });
  allowOnly(app, '/status', ['GET']);
  allowOnly(app, '/status/:service', ['GET']);
};
