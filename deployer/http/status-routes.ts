// GET /status (every service, config and queue) and GET /status/:service, as JSON. The answers are
// serialized through the contract's schema (deployer/contract/status-schema.ts), the same one the CLI
// checks them against.
import type { FastifyPluginAsync } from 'fastify';
import { deployerStatusSchema, serviceStatusSchema } from '../contract/status-schema.ts';
import type { DeployerRuntime } from '../runtime/runtime.ts';
import { allowOnly, sendError } from './http-errors.ts';

export const statusRoutes: FastifyPluginAsync<{ runtime: DeployerRuntime }> = async (app, { runtime }) => {
  app.get('/status', { schema: { response: { 200: deployerStatusSchema } } }, async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    return runtime.status();
  });
  app.get<{ Params: { service: string } }>(
    '/status/:service',
    { schema: { response: { 200: serviceStatusSchema } } },
    async (request, reply) => {
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
    },
  );
  allowOnly(app, '/status', ['GET']);
  allowOnly(app, '/status/:service', ['GET']);
};
