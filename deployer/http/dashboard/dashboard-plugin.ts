// The dashboard: GET /dashboard (server-rendered HTML, also at /), GET /dashboard/events (server-sent
// events with every status change, also at /events) and GET /dashboard/state (the polling fallback).
// Register it where the deployer's read-access rule applies (deployer/http/bearer-auth.ts): public in
// local mode, the status token in aws mode.
import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { DASHBOARD_ALIASES, DASHBOARD_PATHS } from '../../contract/dashboard-paths.ts';
import type { DeployerRuntime } from '../../runtime/runtime.ts';
import type { ApiToken } from '../../shared/api-tokens.ts';
import { openEventStream } from './event-stream.ts';
import { operatorOf } from './operator-session.ts';
import { renderDashboardPage, renderSignInPage } from './render-page.ts';
import { dashboardPayload, StatusBroadcast } from './status-broadcast.ts';

export interface DashboardOptions {
  runtime: DeployerRuntime;
  /** The API tokens: a session of an operate one gets the action buttons (operator-session.ts). */
  tokens?: readonly ApiToken[];
  /** Comment sent on idle event streams so proxies keep them open. */
  keepAliveMs?: number;
  /** Open event streams at most; more get 503 (each holds a socket and a render per change). */
  maxStreams?: number;
}

export const DEFAULT_MAX_STREAMS = 100;

export const dashboardPlugin: FastifyPluginAsync<DashboardOptions> = async (app, options) => {
  const { runtime } = options;
  const broadcast = new StatusBroadcast(runtime);
  const streams = new Set<() => void>();
  const maxStreams = options.maxStreams ?? DEFAULT_MAX_STREAMS;

  // Open event streams would keep close() waiting forever: end them first.
  app.addHook('preClose', async () => {
    for (const end of [...streams]) end();
    broadcast.close();
  });

  // In aws mode the read-access hook answers a browser without a session with a JSON 401; on the page
  // routes, turn that into a sign-in form. Nothing else changes: same status, same hook decision.
  const pagePaths = new Set<string>([DASHBOARD_PATHS.page, ...DASHBOARD_ALIASES.page]);
  app.addHook('onSend', async (request, reply, payload) => {
    if (reply.statusCode !== 401 || !pagePaths.has(request.routeOptions.url ?? '')) return payload;
    if (!String(request.headers.accept ?? '').includes('text/html')) return payload;
    const nonce = randomBytes(16).toString('base64');
    securityHeaders(reply, nonce);
    reply.type('text/html; charset=utf-8');
    return renderSignInPage(nonce, pathOf(request.url), false);
  });

  const tokens = options.tokens ?? [];
  const operateTokens = tokens.some((token) => token.scope === 'operate');
  const page = async (request: FastifyRequest, reply: FastifyReply) => {
    const nonce = randomBytes(16).toString('base64');
    securityHeaders(reply, nonce);
    const operator = operatorOf(tokens, request, Date.now());
    const viewer = { operator, offerSignIn: !operator && operateTokens };
    return reply.type('text/html; charset=utf-8').send(renderDashboardPage(runtime.status(), nonce, viewer));
  };
  for (const path of [DASHBOARD_PATHS.page, ...DASHBOARD_ALIASES.page]) app.get(path, page);

  app.get(DASHBOARD_PATHS.state, async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    return dashboardPayload(runtime.status());
  });

  const events = async (request: FastifyRequest, reply: FastifyReply) => {
    if (streams.size >= maxStreams) {
      request.log.warn({ streams: streams.size }, 'dashboard event stream refused: too many open');
      return reply
        .code(503)
        .header('retry-after', '10')
        .send({
          error: {
            code: 'TOO_MANY_STREAMS',
            message: `${maxStreams} dashboard event streams are open already; close some tabs (the page falls back to polling)`,
          },
        });
    }
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
    stop = broadcast.add((json) => stream.sendJson('status', json));
    request.log.debug({ listeners: broadcast.listenerCount }, 'dashboard event stream opened');
  };
  // No HEAD variant: it would hold a bodiless response open forever.
  for (const path of [DASHBOARD_PATHS.events, ...DASHBOARD_ALIASES.events])
    app.get(path, { exposeHeadRoute: false }, events);
};

export function securityHeaders(reply: FastifyReply, nonce: string): void {
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

function pathOf(url: string): string {
  return new URL(url, 'http://deployer').pathname;
}
