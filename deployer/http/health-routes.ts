// Liveness and readiness: /healthz is 200 while the process serves HTTP (the container health check);
// /readyz is 200 only once the runtime has loaded config, rebuilt status and runs its consumer.
import type { FastifyPluginAsync } from 'fastify';
import { DEPLOYER_HEALTH_PATH, DEPLOYER_READY_PATH } from '../../common/contract.ts';
import type { DeployerRuntime } from '../runtime/runtime.ts';
import { allowOnly, sendError } from './http-errors.ts';

export const healthRoutes: FastifyPluginAsync<{ runtime: DeployerRuntime }> = async (app, { runtime }) => {
  app.get(DEPLOYER_HEALTH_PATH, async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    return { status: 'ok' };
  });
  app.get(DEPLOYER_READY_PATH, async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    if (!runtime.ready())
      return sendError(
        reply,
        503,
        'NOT_READY',
        'the deployer is still loading its config and the live state, or is shutting down',
      );
    return { status: 'ready' };
  });
  allowOnly(app, DEPLOYER_HEALTH_PATH, ['GET']);
  allowOnly(app, DEPLOYER_READY_PATH, ['GET']);
};
