// The dashboard: GET / (server-rendered HTML), GET /events (server-sent events with every status change)
// and GET /dashboard/state (the polling fallback). Register it where the deployer's read-access rule
// applies (deployer/http/bearer-auth.ts): public in local mode, the status token in aws mode.
import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { DeployerRuntime } from '../../runtime/runtime.ts';
import { DASHBOARD_PATHS } from './dashboard-paths.ts';
import { openEventStream } from './event-stream.ts';
import { renderDashboardPage } from './render-page.ts';
import { dashboardPayload, StatusBroadcast } from './status-broadcast.ts';

export interface DashboardOptions {
  runtime: DeployerRuntime;
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

  app.get(DASHBOARD_PATHS.page, async (request, reply) => {
    const nonce = randomBytes(16).toString('base64');
    securityHeaders(reply, nonce);
    // A browser signs in once with `/?token=<STATUS_TOKEN>` (the read-access hook turns it into a
    // cookie): drop the token from the address bar and history straight away.
    if (hasTokenParameter(request.url)) return reply.redirect(DASHBOARD_PATHS.page, 303);
    return reply.type('text/html; charset=utf-8').send(renderDashboardPage(runtime.status(), nonce));
  });

  app.get(DASHBOARD_PATHS.state, async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    return dashboardPayload(runtime.status());
  });

  // No HEAD variant: it would hold a bodiless response open forever.
  app.get(DASHBOARD_PATHS.events, { exposeHeadRoute: false }, async (request, reply) => {
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

function hasTokenParameter(url: string): boolean {
  return new URL(url, 'http://deployer').searchParams.has('token');
}
