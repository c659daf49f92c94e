// The deployer's HTTP server, built but not listening (tests use inject() or listen on port 0).
// Contexts: health (always public) · reads: status, metrics, dashboard (public in local mode, token in
// aws mode) · the GitHub webhook (HMAC instead of a token) · the API (token always).
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Logger } from 'pino';
import { WEBHOOK_PATH } from '../../common/contract.ts';
import { limitConnections, type SlowClientDeadlines, slowClientLimits } from '../../common/server-limits.ts';
import type { DeployerRuntime } from '../runtime/runtime.ts';
import { SETTINGS_DEFAULTS, type Settings } from '../runtime/settings.ts';
import { parseApiTokens } from '../shared/api-tokens.ts';
import { type TokenBucketOptions, TokenBuckets } from '../shared/token-bucket.ts';
import { apiRoutes } from './api-routes.ts';
import { requireOperate, requireReadAccess } from './bearer-auth.ts';
import { dashboardPlugin } from './dashboard/dashboard-plugin.ts';
import { historyPage } from './dashboard/history-page.ts';
import { dashboardCaller } from './dashboard/operator-session.ts';
import { signInRoute } from './dashboard/sign-in-route.ts';
import { DeliveryCache } from './delivery-cache.ts';
import { githubRepositoryName } from './github-repository-name.ts';
import { healthRoutes } from './health-routes.ts';
import { historyRoute } from './history-route.ts';
import { registerErrorHandling } from './http-errors.ts';
import { metricsRoute } from './metrics-route.ts';
import { PRECOMPILED_SCHEMAS } from './precompiled-schemas.ts';
import { preventSharedCaching } from './private-no-store.ts';
import { statusRoutes } from './status-routes.ts';
import { webhookRoute } from './webhook-route.ts';

export const WEBHOOK_BODY_LIMIT = 1024 * 1024;
export const DEFAULT_ENQUEUE_TIMEOUT_MS = 5_000;
/** Webhook deliveries one source may send: a burst, then a steady rate (docs/deployer.md, Limits). */
export const WEBHOOK_RATE = { burst: 60, perMinute: 60 } as const;

/** Knobs tests turn; production uses the defaults. */
export interface HttpTuning {
  enqueueTimeoutMs?: number;
  webhookBodyLimit?: number;
  deliveryCache?: DeliveryCache;
  webhookRate?: TokenBucketOptions;
  apiTimeoutMs?: number;
  slowClientDeadlines?: SlowClientDeadlines;
}

export interface BuildServerOptions {
  runtime: DeployerRuntime;
  settings: Pick<Settings, 'mode' | 'statusToken' | 'githubWebhookSecret' | 'trackedRef' | 'config'> &
    Partial<Pick<Settings, 'apiTokens'>>;
  logger: Logger;
  tuning?: HttpTuning;
}

export function buildServer(options: BuildServerOptions): FastifyInstance {
  const { runtime, settings, tuning = {} } = options;
  // Typed as Fastify's base logger (a pino Logger is one), so the instance is the plain FastifyInstance.
  const loggerInstance: FastifyBaseLogger = options.logger.child({ component: 'http' });
  // STATUS_TOKEN (operate) plus API_TOKENS; callers that give only a status token get just that one.
  const tokens = settings.apiTokens ?? parseApiTokens(settings.statusToken, undefined, 1).tokens;
  const app = Fastify({
    loggerInstance,
    // One line per meaningful event instead of two per request (the dashboard polls).
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 64 * 1024,
    // Behind the ALB in aws mode: X-Forwarded-Proto tells the dashboard to mark its cookie Secure.
    trustProxy: settings.mode === 'aws',
    return503OnClosing: true,
    // A webhook URL pasted with a trailing slash on GitHub still reaches the route.
    routerOptions: { ignoreTrailingSlash: true },
    // Headers within 10 s, the whole request within 10 s, checked every second: slow senders do not
    // hold sockets (common/server-limits.ts).
    ...slowClientLimits(tuning.slowClientDeadlines),
    // Longer than the ALB's 60 s idle timeout, so the ALB never reuses a connection Node just closed
    // (which shows up as sporadic 502s).
    keepAliveTimeout: settings.mode === 'aws' ? 65_000 : 5_000,
    // Request validators and response serializers generated ahead (request-schemas.ts holds the ajv
    // options, refusing unknown fields and coercing no types): nothing is compiled at start, and
    // Fastify's own compilers are never loaded.
    schemaController: PRECOMPILED_SCHEMAS,
  });
  limitConnections(app.server);

  registerErrorHandling(app);
  // Once closing, answers to in-flight requests end their keep-alive connection, so close() does not
  // wait for idle sockets that only became idle after it started.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    // Every answer is data, never something a browser should sniff into HTML or script.
    if (!reply.hasHeader('x-content-type-options')) reply.header('x-content-type-options', 'nosniff');
    if (closing) reply.header('connection', 'close');
    return payload;
  });
  // Routes log their own meaningful line (webhook delivery, API action); this adds failures and
  // refused credentials, and everything else at debug.
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url;
    const fields = {
      method: request.method,
      route: route ?? 'unmatched',
      statusCode: reply.statusCode,
      durationMs: Math.round(reply.elapsedTime),
    };
    if (reply.statusCode >= 500) request.log.warn(fields, 'http request failed');
    else if (reply.statusCode === 401 && route !== WEBHOOK_PATH)
      request.log.info(fields, 'http request refused');
    else request.log.debug(fields, 'http request');
  });

  app.register(healthRoutes, { runtime });
  // Outside the read-access rule: it is how a browser gets read access.
  app.register(signInRoute, { tokens });

  app.register(async (reads) => {
    preventSharedCaching(reads);
    reads.addHook('onRequest', requireReadAccess(tokens, settings.mode === 'local'));
    await reads.register(statusRoutes, { runtime });
    await reads.register(metricsRoute, { runtime });
    await reads.register(historyRoute, { runtime });
    await reads.register(historyPage, { runtime });
    await reads.register(dashboardPlugin, { runtime, tokens });
  });

  app.register(webhookRoute, {
    runtime,
    secret: settings.githubWebhookSecret,
    filter: {
      configDir: settings.config.kind === 'git' ? settings.config.dir : SETTINGS_DEFAULTS.configDir,
      trackedRef: settings.trackedRef,
      repository:
        settings.config.kind === 'git' ? githubRepositoryName(settings.config.repository) : undefined,
    },
    deliveries: tuning.deliveryCache ?? new DeliveryCache(),
    rate: new TokenBuckets(tuning.webhookRate ?? WEBHOOK_RATE),
    behindProxy: settings.mode === 'aws',
    bodyLimit: tuning.webhookBodyLimit ?? WEBHOOK_BODY_LIMIT,
    enqueueTimeoutMs: tuning.enqueueTimeoutMs ?? DEFAULT_ENQUEUE_TIMEOUT_MS,
  });

  app.register(async (api) => {
    preventSharedCaching(api);
    api.addHook(
      'onRequest',
      requireOperate(tokens, (request) => dashboardCaller(tokens, request, Date.now())),
    );
    await api.register(apiRoutes, {
      runtime,
      ...(tuning.apiTimeoutMs ? { timeoutMs: tuning.apiTimeoutMs } : {}),
    });
  });

  return app;
}
