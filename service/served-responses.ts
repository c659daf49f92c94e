// One call per response, made by Node's HTTP server, for what every response goes through: the
// request counters and log lines (request-log.ts) and the drain's `Connection: close`
// (graceful-drain.ts). Fastify hooks did this before, and any `onSend`/`onResponse` hook (or a
// logger instance) makes Fastify run a hook chain and add and remove a `finish`/`error` listener
// pair on every response: that was most of what the service cost over bare Fastify. Node lets a
// server bring its own request and response classes (http.createServer's `IncomingMessage` and
// `ServerResponse` options), and every response, whoever answers it (a route, the error or
// not-found handler, Fastify itself), passes through writeHead before its first byte.
// Fastify's inject() uses light-my-request's own objects: only real HTTP passes here.
import {
  IncomingMessage,
  type OutgoingHttpHeader,
  type OutgoingHttpHeaders,
  ServerResponse,
} from 'node:http';

let lastRequestNumber = 0;

/** Request ids as Fastify makes them ('req-1', 'req-2', … in base 36). */
function nextRequestId(): string {
  lastRequestNumber = (lastRequestNumber + 1) % Number.MAX_SAFE_INTEGER;
  return `req-${lastRequestNumber.toString(36)}`;
}

/** A request as Node parsed it, with when it arrived and the id its log lines carry. */
export class ServedRequest extends IncomingMessage {
  /** performance.now() when Node had parsed the request's headers. */
  readonly receivedAt = performance.now();
  /** The id Fastify gives the request (see requestIdOf), so lines logged here match its lines. */
  readonly requestId = nextRequestId();
}

/** Fastify's `genReqId`: the id the request got on arrival (inject()'s requests get a new one). */
export function requestIdOf(request: IncomingMessage): string {
  return request instanceof ServedRequest ? request.requestId : nextRequestId();
}

/** Called once per response, right before its status line and headers are written. */
export type ResponseWatcher = (response: ServerResponse, request: ServedRequest, statusCode: number) => void;

export interface ServedHttpClasses {
  IncomingMessage: typeof IncomingMessage;
  ServerResponse: typeof ServerResponse;
}

type Headers = OutgoingHttpHeaders | OutgoingHttpHeader[];

/** The classes to give http.createServer (Fastify's `http` option) so `watch` sees every response. */
export function servedHttpClasses(watch: ResponseWatcher): ServedHttpClasses {
  class WatchedResponse<Request extends IncomingMessage = IncomingMessage> extends ServerResponse<Request> {
    // Node's writeHead takes (status, reason?, headers?) or (status, headers?): passed on as given.
    override writeHead(statusCode: number, reason?: string | Headers, headers?: Headers): this {
      // A second writeHead throws in Node; it must not count as a second response.
      // Node builds this response for a request of the ServedRequest class given beside it.
      if (!this.headersSent) watch(this, this.req as IncomingMessage as ServedRequest, statusCode);
      return super.writeHead(statusCode, reason as string, headers);
    }
  }
  return { IncomingMessage: ServedRequest, ServerResponse: WatchedResponse };
}
