// GET /api/services/:service/history[?limit=n]: the revisions of a service's task definition family
// with what each rollout recorded (result, reason, trigger, times) and links. A read: same access as
// /status (public in local mode, a token or a dashboard session in aws mode). Read from ECS each time.
import type { FastifyPluginAsync } from 'fastify';
import { serviceHistorySchema } from '../contract/history-schema.ts';
import type { DeployerRuntime } from '../runtime/runtime.ts';
import { HISTORY_DEFAULT_LIMIT, HISTORY_MAX_LIMIT } from '../runtime/service-history.ts';
import { allowOnly, sendError } from './http-errors.ts';
import { historyQuerySchema, serviceParamsSchema } from './request-schemas.ts';

export const HISTORY_PATH = '/api/services/:service/history';

/** `/api/services/<name>/history` with the name encoded. */
export function historyPath(service: string): string {
  return `/api/services/${encodeURIComponent(service)}/history`;
}

export interface HistoryRouteOptions {
  runtime: DeployerRuntime;
  /** Limit for the ECS reads of one request. */
  timeoutMs?: number;
}

type Request = { Params: { service: string }; Querystring: { limit?: string } };

export const historyRoute: FastifyPluginAsync<HistoryRouteOptions> = async (app, options) => {
  const { runtime } = options;
  const timeoutMs = options.timeoutMs ?? 30_000;
  app.get<Request>(
    HISTORY_PATH,
    {
      schema: {
        params: serviceParamsSchema,
        querystring: historyQuerySchema,
        response: { 200: serviceHistorySchema },
      },
    },
    async (request, reply) => {
      const { service } = request.params;
      const limit = Number(request.query.limit ?? HISTORY_DEFAULT_LIMIT);
      if (limit > HISTORY_MAX_LIMIT)
        return sendError(reply, 400, 'VALIDATION_FAILED', `limit must be from 1 to ${HISTORY_MAX_LIMIT}`);
      if (!runtime.serviceStatus(service))
        return sendError(
          reply,
          404,
          'SERVICE_NOT_FOUND',
          `no service named '${service}' in the config; GET /status lists them`,
        );
      reply.header('cache-control', 'no-store');
      return runtime.history(service, limit, AbortSignal.timeout(timeoutMs));
    },
  );
  allowOnly(app, HISTORY_PATH, ['GET']);
};
