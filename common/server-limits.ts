// Socket limits shared by the deployer's and the actors service's HTTP servers, so a slow or idle
// client cannot hold sockets open (slowloris). Node only checks the header and request deadlines every
// `connectionsCheckingInterval` (default 30 s) and Fastify sets `requestTimeout` only after the server
// exists, so both deadlines and the check interval go to `http.createServer` through Fastify's `http`
// option (Node docs, http.createServer options: connectionsCheckingInterval, headersTimeout,
// requestTimeout). A client sending one byte a second is answered 408 and cut after at most
// requestTimeoutMs + checkIntervalMs (11 s).
import type { ServerOptions } from 'node:http';

export const SERVER_LIMITS = {
  /** Complete request headers must arrive within this. */
  headersTimeoutMs: 10_000,
  /** The whole request (headers and body: a 1 MiB webhook needs ~100 KB/s) must arrive within this. */
  requestTimeoutMs: 10_000,
  /** How often Node looks for requests past those deadlines. */
  checkIntervalMs: 1_000,
  /** Open sockets beyond this are refused at accept (each costs a file descriptor and buffers). */
  maxConnections: 1_024,
  /** Requests one keep-alive socket may carry before the server closes it. */
  maxRequestsPerSocket: 1_000,
} as const;

/** The deadlines a server may be built with instead (tests show the 408 in seconds, not in 11 s). */
export interface SlowClientDeadlines {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  checkIntervalMs: number;
}

/** Fastify options that apply SERVER_LIMITS (keepAliveTimeout stays each server's own choice). */
export function slowClientLimits(deadlines: SlowClientDeadlines = SERVER_LIMITS): {
  requestTimeout: number;
  maxRequestsPerSocket: number;
  http: ServerOptions;
} {
  return {
    requestTimeout: deadlines.requestTimeoutMs,
    maxRequestsPerSocket: SERVER_LIMITS.maxRequestsPerSocket,
    http: {
      headersTimeout: deadlines.headersTimeoutMs,
      requestTimeout: deadlines.requestTimeoutMs,
      connectionsCheckingInterval: deadlines.checkIntervalMs,
    },
  };
}

/** net.Server#maxConnections: Fastify has no option for it, so it is set on the built server. */
export function limitConnections(server: { maxConnections: number }): void {
  server.maxConnections = SERVER_LIMITS.maxConnections;
}
