// The dashboard: GET / (server-rendered HTML), GET /events (server-sent events with every status change),
// GET /dashboard/state (the polling fallback), and a sign-in form for aws mode (see dashboard-auth.ts).
import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { DeployerRuntime } from '../../runtime/runtime.ts';
import { createDashboardAuth, isSecureRequest } from './dashboard-auth.ts';
import { DASHBOARD_PATHS } from './dashboard-paths.ts';
import { openEventStream } from './event-stream.ts';
import { renderDashboardPage, renderLoginPage } from './render-page.ts';
import { dashboardPayload, StatusBroadcast } from './status-broadcast.ts';

export interface DashboardOptions {
  runtime: DeployerRuntime;
  /**
   * The token that guards read endpoints (STATUS_TOKEN in aws mode). Undefined: the dashboard is public,
   * as every read endpoint is in local mode.
   */
  readToken?: string;
  /** Comment sent on idle event streams so proxies keep them open. */
  keepAliveMs?: number;
}

const MAX_LOGIN_BODY_BYTES = 4096;

export const dashboardPlugin: FastifyPluginAsync<DashboardOptions> = async (app, options) => {
  const { runtime } = options;
  const auth = createDashboardAuth(options.readToken);
  const broadcast = new StatusBroadcast(runtime);
  const streams = new Set<() => void>();

  // Open event streams would keep close() waiting forever: end them first.
  app.addHook('preClose', async () => {
    for (const end of [...streams]) end();
    broadcast.close();
  });

  const denyJson = (reply: FastifyReply) =>
    reply
      .code(401)
      .header('www-authenticate', 'Bearer')
      .send({
        error: {
          code: 'Unauthorized',
          message: `sign in at ${DASHBOARD_PATHS.page} or send Authorization: Bearer <STATUS_TOKEN>`,
        },
      });

  app.get(DASHBOARD_PATHS.page, async (request, reply) => {
    const nonce = randomBytes(16).toString('base64');
    securityHeaders(reply, nonce);
    if (!auth.isAllowed(request)) {
      return reply.code(401).type('text/html; charset=utf-8').send(renderLoginPage(nonce, false));
    }
    return reply.type('text/html; charset=utf-8').send(renderDashboardPage(runtime.status(), nonce));
  });

  app.get(DASHBOARD_PATHS.state, async (request, reply) => {
    if (!auth.isAllowed(request)) return denyJson(reply);
    reply.header('cache-control', 'no-store');
    return dashboardPayload(runtime.status());
  });

  app.get(DASHBOARD_PATHS.events, async (request, reply) => {
    if (!auth.isAllowed(request)) return denyJson(reply);
    const stream = openEventStream(reply, options.keepAliveMs ?? 15_000);
    let stop = () => {};
    const end = () => {
      stop();
      streams.delete(end);
      stream.end();
    };
    streams.add(end);
    stream.onClose(() => {
      stop();
      streams.delete(end);
    });
    stream.send('status', dashboardPayload(runtime.status()));
    stop = broadcast.add((payload) => stream.send('status', payload));
    request.log.debug({ listeners: broadcast.listenerCount }, 'dashboard event stream opened');
  });

  // Sign-in for aws mode: the token arrives in a form body, becomes a read-only session cookie.
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: MAX_LOGIN_BODY_BYTES },
    (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
  );

  app.post(DASHBOARD_PATHS.login, async (request: FastifyRequest, reply) => {
    const nonce = randomBytes(16).toString('base64');
    securityHeaders(reply, nonce);
    const token = (request.body as Record<string, unknown> | undefined)?.token;
    if (auth.public) return reply.redirect(DASHBOARD_PATHS.page, 303);
    if (typeof token !== 'string' || !auth.tokenMatches(token)) {
      request.log.warn('dashboard sign-in refused');
      return reply.code(401).type('text/html; charset=utf-8').send(renderLoginPage(nonce, true));
    }
    reply.header('set-cookie', auth.sessionCookie(isSecureRequest(request)));
    return reply.redirect(DASHBOARD_PATHS.page, 303);
  });

  app.post(DASHBOARD_PATHS.logout, async (request, reply) => {
    if (!auth.public) reply.header('set-cookie', auth.clearedCookie(isSecureRequest(request)));
    return reply.redirect(DASHBOARD_PATHS.page, 303);
  });
};

function securityHeaders(reply: FastifyReply, nonce: string): void {
  reply
    .header(
      'content-security-policy',
      `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; ` +
        "img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    )
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', 'no-store');
}
