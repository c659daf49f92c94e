// Request logging that stays off the hot path. A line per request costs more than the request
// itself at the service's rates (profiled: a third of the busy CPU), so:
// - every 5xx is logged at error, one line each: those are ours to fix;
// - every other request only bumps counters, and a summary line at info ('requests served': counts
//   by status class, auth failures, the event loop's worst delay) goes out once per interval with
//   traffic and at close;
// - per-request lines ('request completed', with durationMs) are there at debug for when one is
//   hunting a problem.
// It sees each response as Node writes its head (served-responses.ts), not through a Fastify hook.
// No clock is read per request below debug (see tagRequestTimed): the summary's delay comes from
// Node's event-loop delay histogram, sampled by a timer, which is what a slow request here waits on
// (every handler is synchronous).
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { truncate } from './http-errors.ts';
import { msSinceArrival, requestIdOf, type ServedRequest } from './served-responses.ts';

export const DEFAULT_REQUEST_SUMMARY_INTERVAL_MS = 60_000;

interface Counters {
  requests: number;
  /** Responses by status class: 2xx, 3xx, 4xx, 5xx. */
  byStatus: { '2xx': number; '3xx': number; '4xx': number; '5xx': number };
  /** 401s: requests without valid basic auth credentials (a burst means someone is guessing). */
  authFailures: number;
}

function emptyCounters(): Counters {
  return { requests: 0, byStatus: { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 }, authFailures: 0 };
}

function statusClass(statusCode: number): keyof Counters['byStatus'] {
  if (statusCode >= 500) return '5xx';
  if (statusCode >= 400) return '4xx';
  if (statusCode >= 300) return '3xx';
  return '2xx';
}

export interface RequestLog {
  /** Counts a response (and logs it when it is a 5xx or at debug). */
  record(request: ServedRequest, statusCode: number): void;
  /** Logs the summary on its interval and, when `app` closes, the last one. */
  attach(app: FastifyInstance): void;
  /** Whether requests need their arrival time (tagRequestTimed): only for per-request lines. */
  readonly timesRequests: boolean;
}

/** Resolution of the event-loop delay sampling: 50 clock reads a second, whatever the traffic. */
const LOOP_DELAY_RESOLUTION_MS = 20;
const nsToMs = (ns: number) => Math.round(ns / 1e5) / 10;

export function createRequestLog(
  logger: FastifyBaseLogger,
  intervalMs: number = DEFAULT_REQUEST_SUMMARY_INTERVAL_MS,
): RequestLog {
  let counters = emptyCounters();
  let since = performance.now();
  const loopDelay = monitorEventLoopDelay({ resolution: LOOP_DELAY_RESOLUTION_MS });
  const summarize = () => {
    if (counters.requests > 0) {
      const { requests, byStatus, authFailures } = counters;
      logger.info(
        {
          requests,
          byStatus,
          authFailures,
          // How late the event loop ran (max and p99, ms): how long a request could have waited.
          loopDelayMaxMs: nsToMs(loopDelay.max),
          loopDelayP99Ms: nsToMs(loopDelay.percentile(99)),
          intervalMs: Math.round(performance.now() - since),
        },
        'requests served',
      );
    }
    counters = emptyCounters();
    loopDelay.reset();
    since = performance.now();
  };
  // The level is fixed at start (LOG_LEVEL), so this is decided once, not per request.
  const perRequestLines = logger.level === 'debug' || logger.level === 'trace';

  return {
    timesRequests: perRequestLines,
    record(request, statusCode) {
      counters.requests += 1;
      counters.byStatus[statusClass(statusCode)] += 1;
      if (statusCode === 401) counters.authFailures += 1;
      if (statusCode >= 500 || perRequestLines) {
        const durationMs = msSinceArrival(request);
        logger[statusCode >= 500 ? 'error' : 'debug'](
          {
            reqId: requestIdOf(request),
            method: request.method,
            url: truncate(request.url ?? '', 200),
            statusCode,
            ...(durationMs === undefined ? {} : { durationMs: Math.round(durationMs) }),
          },
          'request completed',
        );
      }
    },
    attach(app) {
      loopDelay.enable();
      const timer = setInterval(summarize, intervalMs);
      timer.unref();
      // After the server stopped answering: the last interval's counts are not lost on shutdown.
      app.addHook('onClose', (_instance, done) => {
        clearInterval(timer);
        summarize();
        loopDelay.disable();
        done();
      });
    },
  };
}
