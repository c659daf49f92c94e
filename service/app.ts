// The actors service as a Fastify app factory (no listen), so tests drive it with inject() and
// main.ts owns the socket, logging and signals.
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import pino from 'pino';
import type { VersionReport } from '../common/contract.ts';
import { limitConnections, type SlowClientDeadlines, slowClientLimits } from '../common/server-limits.ts';
import type { Credentials } from './basic-auth.ts';
import { clientErrorAnswerer } from './client-error.ts';
import { createGracefulDrain } from './graceful-drain.ts';
import { codeForStatus, errorBody, sendError, truncate } from './http-errors.ts';
import { PRECOMPILED_SCHEMAS } from './precompiled-schemas.ts';
import { createRequestLog } from './request-log.ts';
import { registerActorsRoutes } from './routes/actors-routes.ts';
import { registerHealthRoutes } from './routes/health-routes.ts';
import { servedHttpClasses, tagRequest, tagRequestTimed } from './served-responses.ts';

export interface ActorsAppOptions {
  credentials: Credentials;
  version: VersionReport;
  /** A pino logger; omitted in tests that do not look at logs. */
  logger?: FastifyBaseLogger;
  /** How often the 'requests served' summary is logged (when there was traffic). */
  requestSummaryIntervalMs?: number;
  /**
   * Idle keep-alive timeout. Longer than the ALB's 60 s idle timeout, so the load balancer, not the
   * task, closes idle connections (otherwise it may reuse a socket the task just closed: 502s).
   */
  keepAliveTimeoutMs?: number;
  /** Header and request deadlines (default SERVER_LIMITS'); tests shorten them. */
  slowClientDeadlines?: SlowClientDeadlines;
}

export function buildActorsApp(options: ActorsAppOptions): FastifyInstance {
  const logger = options.logger ?? pino({ level: 'silent' });
  const requestLog = createRequestLog(logger, options.requestSummaryIntervalMs);
  const drain = createGracefulDrain();
  const limits = slowClientLimits(options.slowClientDeadlines);
  const app = Fastify({
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 65_000,
    // Slow or stalled senders are cut within seconds (common/server-limits.ts).
    ...limits,
    http: {
      ...limits.http,
      // The counters, the 5xx and debug lines and the drain see each response as Node writes it.
      ...servedHttpClasses((response, request, statusCode) => {
        drain.beforeHead(response);
        requestLog.record(request, statusCode);
      }),
    },
    genReqId: requestLog.timesRequests ? tagRequestTimed : tagRequest,
    bodyLimit: 64 * 1024,
    // Answers serialized by code generated ahead of time: a start compiles no schema.
    schemaController: PRECOMPILED_SCHEMAS,
    // During shutdown, finish what arrives on already open connections (with Connection: close)
    // instead of Fastify's 503: ECS has deregistered the task from the load balancer by then.
    return503OnClosing: false,
    // No logger instance and no per-request child logger: with a logger instance Fastify reads the
    // clock twice and adds a listener pair per response, and a childLoggerFactory builds an object
    // per request (each measured several % of a GET /actors). The service's own lines go to
    // `logger` with the request's reqId; Fastify's two lines per request are replaced by
    // request-log.ts (summaries, 5xx, debug lines). What Fastify itself would log per request
    // (only misuse of its API, such as a reply sent twice) is dropped, as with `logger: false`.
    logController: new LogController({ disableRequestLogging: true }),
    clientErrorHandler: clientErrorAnswerer(logger),
    // Router-level rejections (malformed percent-encoding, over-long path parameters) in our shape.
    frameworkErrors: (error: FastifyError, _request: FastifyRequest, reply: FastifyReply) => {
      const statusCode = error.statusCode ?? 400;
      return reply.code(statusCode).send(errorBody(codeForStatus(statusCode), error.message));
    },
  });
  limitConnections(app.server);
  requestLog.attach(app);
  drain.attach(app);

  app.setNotFoundHandler((request, reply) =>
    sendError(reply, 'notFound', `no route ${request.method} ${truncate(request.url)}`),
  );

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const statusCode = error.validation ? 400 : (error.statusCode ?? 500);
    if (statusCode >= 400 && statusCode < 500) {
      // The client's mistake, not ours: no stack trace.
      logger.info(
        { reqId: request.id, code: error.code, statusCode, reason: error.message },
        'rejected request',
      );
      return reply.code(statusCode).send(errorBody(codeForStatus(statusCode), error.message));
    }
    logger.error({ reqId: request.id, err: error }, 'request failed');
    return sendError(reply, 'internal', 'internal error');
  });

  registerHealthRoutes(app, options.version);
  registerActorsRoutes(app, options.credentials);
  return app;
}
