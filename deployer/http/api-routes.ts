// POST /api/services/:service/{sync,rollback,suspend,resume,approve,reject}: the manual levers (CLI, dashboard).
// Every answer carries the service's status after the action, so callers need no second request.
// POST /api/config/refresh re-reads the config source now and answers with the config status.
import type { FastifyInstance, FastifyPluginAsync, FastifyReply } from 'fastify';
import type { RollbackPlan } from '../contract/rollback-plan.ts';
import type { ServiceStatus } from '../contract/status-model.ts';
import type { DeployerRuntime, RefreshResult } from '../runtime/runtime.ts';
import { callerName } from './bearer-auth.ts';
import { allowOnly, sendError } from './http-errors.ts';
import { serviceParamsSchema as params, rollbackBodySchema, syncBodySchema } from './request-schemas.ts';

export interface ApiRoutesOptions {
  runtime: DeployerRuntime;
  /** Limit for one runtime call (they enqueue or update ECS; they do not wait for rollouts). */
  timeoutMs?: number;
}

export const API_ACTIONS = ['sync', 'rollback', 'suspend', 'resume', 'approve', 'reject'] as const;
export type ApiAction = (typeof API_ACTIONS)[number];

export interface ApiResponse {
  service: string;
  action: ApiAction;
  /** True for actions that are carried out asynchronously (sync, rollback, resume). */
  accepted: boolean;
  /** Rollback target when one was given. */
  to?: string;
  /** approve / reject: the digest the verdict is for. */
  digest?: string;
  /** sync: the rollout may start outside the service's sync windows. */
  overrideWindow?: boolean;
  /** Rollback: from which revision to which (with dryRun: what would happen; nothing changed). */
  plan?: RollbackPlan;
  status: ServiceStatus | null;
}

type Params = { Params: { service: string } };

export const CONFIG_REFRESH_PATH = '/api/config/refresh';

/** Body of POST /api/config/refresh. */
export interface RefreshResponse extends RefreshResult {
  action: 'refresh';
}

export const apiRoutes: FastifyPluginAsync<ApiRoutesOptions> = async (app, options) => {
  const { runtime } = options;
  const timeoutMs = options.timeoutMs ?? 30_000;

  const known = (service: string, reply: FastifyReply): boolean => {
    if (runtime.serviceStatus(service)) return true;
    const hint = runtime.ready()
      ? 'GET /status lists them'
      : 'the deployer is still starting (config not loaded yet); try again shortly';
    sendError(reply, 404, 'SERVICE_NOT_FOUND', `no service named '${service}' in the config; ${hint}`);
    return false;
  };
  const answer = (reply: FastifyReply, code: number, body: Omit<ApiResponse, 'status'>) =>
    reply.code(code).send({ ...body, status: runtime.serviceStatus(body.service) ?? null });

  app.post(CONFIG_REFRESH_PATH, async (request, reply) => {
    const result = await runtime.refresh(AbortSignal.timeout(timeoutMs), callerName(request));
    request.log.info({ action: 'refresh', outcome: result.outcome }, 'config refresh requested');
    const body: RefreshResponse = { action: 'refresh', ...result };
    return reply.code(200).send(body);
  });

  app.post<Params & { Body: { overrideWindow?: boolean } | undefined }>(
    '/api/services/:service/sync',
    {
      schema: { params, body: syncBodySchema },
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request, reply) => {
      const { service } = request.params;
      if (!known(service, reply)) return reply;
      const caller = callerName(request);
      const overrideWindow = request.body?.overrideWindow === true;
      // Re-reads the config before it reconciles (runtime.sync), so a just-saved edit is what syncs.
      await runtime.sync(
        service,
        AbortSignal.timeout(timeoutMs),
        caller,
        overrideWindow ? { overrideWindow } : {},
      );
      if (overrideWindow)
        request.log.warn(
          { service, action: 'sync', overrideWindow, token: caller ?? 'unknown' },
          'manual sync overriding the sync windows',
        );
      else request.log.info({ service, action: 'sync' }, 'manual sync requested');
      return answer(reply, 202, {
        service,
        action: 'sync',
        accepted: true,
        ...(overrideWindow ? { overrideWindow } : {}),
      });
    },
  );

  for (const action of ['approve', 'reject'] as const)
    app.post<Params>(`/api/services/:service/${action}`, { schema: { params } }, async (request, reply) => {
      const { service } = request.params;
      if (!known(service, reply)) return reply;
      const by = callerName(request) ?? 'unknown';
      const verdict = action === 'approve' ? 'Approved' : 'Rejected';
      const { digest } = await runtime.approve(service, verdict, by, AbortSignal.timeout(timeoutMs));
      request.log.info({ service, action, digest, token: by }, `rollout ${verdict.toLowerCase()}`);
      return answer(reply, 202, { service, action, accepted: true, digest });
    });

  app.post<Params & { Body: { to?: string; dryRun?: boolean } | undefined }>(
    '/api/services/:service/rollback',
    {
      schema: { params, body: rollbackBodySchema },
      // No body at all means "the previous revision"; validate it as `{}`.
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request, reply) => {
      const { service } = request.params;
      if (!known(service, reply)) return reply;
      const to = request.body?.to;
      const dryRun = request.body?.dryRun === true;
      const token = callerName(request);
      const plan = await runtime.rollback(service, to, AbortSignal.timeout(timeoutMs), {
        dryRun,
        caller: token,
      });
      request.log.info(
        {
          service,
          action: 'rollback',
          to,
          dryRun,
          token,
          from: plan.from.revision,
          target: plan.to.revision,
        },
        dryRun ? 'manual rollback planned (dry run)' : 'manual rollback requested',
      );
      return answer(reply, dryRun ? 200 : 202, {
        service,
        action: 'rollback',
        accepted: !dryRun,
        ...(to ? { to } : {}),
        plan,
      });
    },
  );

  app.post<Params>('/api/services/:service/suspend', { schema: { params } }, async (request, reply) => {
    const { service } = request.params;
    if (!known(service, reply)) return reply;
    runtime.suspend(service);
    request.log.info({ service, action: 'suspend' }, 'service suspended');
    return answer(reply, 200, { service, action: 'suspend', accepted: false });
  });

  app.post<Params>('/api/services/:service/resume', { schema: { params } }, async (request, reply) => {
    const { service } = request.params;
    if (!known(service, reply)) return reply;
    await runtime.resume(service, AbortSignal.timeout(timeoutMs), callerName(request));
    request.log.info({ service, action: 'resume' }, 'service resumed');
    return answer(reply, 202, { service, action: 'resume', accepted: true });
  });

  for (const action of API_ACTIONS)
    allowOnly(app as FastifyInstance, `/api/services/:service/${action}`, ['POST']);
  allowOnly(app as FastifyInstance, CONFIG_REFRESH_PATH, ['POST']);
};
