// One call per response, made by Node's HTTP server, for what every response goes through: the
// request counters and log lines (request-log.ts) and the drain's `Connection: close`
// (graceful-drain.ts). Fastify hooks did this before, and any `onSend`/`onResponse` hook (or a
// logger instance) makes Fastify run a hook chain and add and remove a `finish`/`error` listener
// pair on every response: that was most of what the service cost over bare Fastify. Node lets a
// server bring its own response class (http.createServer's `ServerResponse` option), and every
// response, whoever answers it (a route, the error or not-found handler, Fastify itself), passes
// through writeHead before its first byte.
// Fastify's inject() uses light-my-request's own objects: only real HTTP passes here.
import type { IncomingMessage, OutgoingHttpHeader, OutgoingHttpHeaders, ServerResponse } from 'node:http';

// node:http from the CommonJS loader, not `import { ServerResponse } from 'node:http'`: an ES import
// of node:http reads every export, and its WebSocket, CloseEvent and MessageEvent getters load undici
// (Node's fetch), which the service never calls: ~0.1 CPU-s at every start (as in the deployer's
// adapters/http/verify-probe.ts). https://nodejs.org/api/process.html#processgetbuiltinmoduleid
const { ServerResponse: NodeServerResponse } = process.getBuiltinModule('node:http');

let lastRequestNumber = 0;

/** Request ids as Fastify makes them ('req-1', 'req-2', … in base 36). */
function nextRequestId(): string {
  lastRequestNumber = (lastRequestNumber + 1) % Number.MAX_SAFE_INTEGER;
  return `req-${lastRequestNumber.toString(36)}`;
}

const REQUEST_ID = Symbol('requestId');
const RECEIVED_AT = Symbol('receivedAt');

/** A request as Node parsed it, tagged with its id (and arrival, when timed) by Fastify's genReqId. */
export interface ServedRequest extends IncomingMessage {
  [REQUEST_ID]?: string;
  [RECEIVED_AT]?: number;
}

/**
 * Fastify's `genReqId`: a new id for the request, also kept on it so what is logged at writeHead
 * carries the id of Fastify's lines. Tags rather than an IncomingMessage subclass (measured slower).
 */
export function tagRequest(request: ServedRequest): string {
  const id = nextRequestId();
  request[REQUEST_ID] = id;
  return id;
}

/**
 * tagRequest that also notes when the request arrived. Only for per-request lines (debug): a clock
 * read per request measured ~10 % of a GET /actors's CPU on the 2-core VM (kvm-clock), more than
 * everything the service adds to bare Fastify otherwise.
 */
export function tagRequestTimed(request: ServedRequest): string {
  request[RECEIVED_AT] = performance.now();
  return tagRequest(request);
}

/** The request's id (undefined for a response Node wrote before Fastify saw the request). */
export function requestIdOf(request: ServedRequest): string | undefined {
  return request[REQUEST_ID];
}

/** Milliseconds since the request arrived, when tagRequestTimed noted it. */
export function msSinceArrival(request: ServedRequest): number | undefined {
  const receivedAt = request[RECEIVED_AT];
  return receivedAt === undefined ? undefined : performance.now() - receivedAt;
}

/** Called once per response, right before its status line and headers are written. */
export type ResponseWatcher = (response: ServerResponse, request: ServedRequest, statusCode: number) => void;

export interface ServedHttpClasses {
  ServerResponse: typeof ServerResponse;
}

type Headers = OutgoingHttpHeaders | OutgoingHttpHeader[];

/** The classes to give http.createServer (Fastify's `http` option) so `watch` sees every response. */
export function servedHttpClasses(watch: ResponseWatcher): ServedHttpClasses {
  class WatchedResponse<
    Request extends IncomingMessage = IncomingMessage,
  > extends NodeServerResponse<Request> {
    // Node's writeHead takes (status, reason?, headers?) or (status, headers?): passed on as given.
    override writeHead(statusCode: number, reason?: string | Headers, headers?: Headers): this {
      // A second writeHead throws in Node; it must not count as a second response.
      if (!this.headersSent) watch(this, this.req, statusCode);
      return super.writeHead(statusCode, reason as string, headers);
    }
  }
  return { ServerResponse: WatchedResponse };
}
