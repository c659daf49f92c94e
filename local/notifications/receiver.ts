// A notification receiver on loopback: stands in for a Slack or Teams incoming webhook and for a
// generic webhook endpoint. Records every request (raw body kept, so signatures can be checked) and
// answers with the statuses it is told to (then 200), to exercise retries.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { close, listen, readBody } from '../http-util.ts';

export interface ReceivedNotification {
  path: string;
  headers: IncomingHttpHeaders;
  raw: string;
  /** Parsed JSON body, or undefined when it was not JSON. */
  json: unknown;
  /** The status it was answered with. */
  status: number;
}

export interface NotificationReceiver {
  url: string;
  received(): ReceivedNotification[];
  /** Answers the next requests with these statuses, in order, then 200 again. */
  failNext(...statuses: number[]): void;
  close(): Promise<void>;
}

export async function startNotificationReceiver(port = 0): Promise<NotificationReceiver> {
  const received: ReceivedNotification[] = [];
  const failures: number[] = [];
  const server: Server = createServer((request, response) => {
    readBody(request)
      .then((raw) => {
        let json: unknown;
        try {
          json = JSON.parse(raw);
        } catch {
          json = undefined;
        }
        const status = failures.shift() ?? 200;
        received.push({ path: request.url ?? '/', headers: request.headers, raw, json, status });
        response.writeHead(status, { 'content-type': 'text/plain' });
        response.end(status === 200 ? 'ok' : 'failure');
      })
      .catch(() => {
        response.writeHead(400);
        response.end();
      });
  });
  const bound = await listen(server, port);
  return {
    url: `http://127.0.0.1:${bound}`,
    received: () => [...received],
    failNext: (...statuses) => failures.push(...statuses),
    close: () => close(server),
  };
}
