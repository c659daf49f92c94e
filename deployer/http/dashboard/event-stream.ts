// A server-sent events response on top of a hijacked Fastify reply.
import type { FastifyReply } from 'fastify';

export interface EventStream {
  send(event: string, data: unknown): void;
  /** `json` is already serialised (JSON never contains raw newlines, so it fits one `data:` line). */
  sendJson(event: string, json: string): void;
  onClose(listener: () => void): void;
  end(): void;
}

/** Tells EventSource how long to wait before reconnecting after the stream drops. */
const RECONNECT_MS = 2000;

export function openEventStream(reply: FastifyReply, keepAliveMs: number): EventStream {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store, no-transform',
    connection: 'keep-alive',
    // nginx and some load balancers buffer responses unless told not to.
    'x-accel-buffering': 'no',
  });
  raw.write(`retry: ${RECONNECT_MS}\n\n`);
  let open = true;
  const keepAlive = setInterval(() => write(': keep-alive\n\n'), keepAliveMs);
  keepAlive.unref();
  const closeListeners: Array<() => void> = [];
  const closed = () => {
    if (!open) return;
    open = false;
    clearInterval(keepAlive);
    for (const listener of closeListeners) listener();
  };
  raw.on('close', closed);
  raw.on('error', closed);

  function write(chunk: string): void {
    if (open && !raw.writableEnded) raw.write(chunk);
  }

  const sendJson = (event: string, json: string) => write(`event: ${event}\ndata: ${json}\n\n`);
  return {
    send: (event, data) => sendJson(event, JSON.stringify(data)),
    sendJson,
    onClose(listener) {
      closeListeners.push(listener);
    },
    end() {
      if (!raw.writableEnded) raw.end();
      closed();
    },
  };
}
