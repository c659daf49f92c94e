// Liveness and readiness: /healthz is 200 while the process serves HTTP (the container health check:
// failing it restarts the task, so it never depends on anything outside the process). /readyz is 200
// only while the deployer can do its job: config read at least once, live state rebuilt from ECS,
// consumer running and the queue answering now (runtime/readiness.ts); its 503 lists what is wrong.
import type { FastifyPluginAsync } from 'fastify';
import { DEPLOYER_HEALTH_PATH, DEPLOYER_READY_PATH } from '../../common/contract.ts';
import type { DeployerRuntime } from '../runtime/runtime.ts';
import { allowOnly, errorBody } from './http-errors.ts';

export const healthRoutes: FastifyPluginAsync<{ runtime: DeployerRuntime }> = async (app, { runtime }) => {
  app.get(DEPLOYER_HEALTH_PATH, async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    return { status: 'ok' };
  });
  app.get(DEPLOYER_READY_PATH, async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    const { ready, checks } = await runtime.readiness();
    if (ready) return { status: 'ready', checks };
    const failing = checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.message}`);
    return reply.code(503).send({ ...errorBody('NOT_READY', `not ready: ${failing.join('; ')}`), checks });
  });
  allowOnly(app, DEPLOYER_HEALTH_PATH, ['GET']);
  allowOnly(app, DEPLOYER_READY_PATH, ['GET']);
};
