// One stable URL per service: round-robin over the service's healthy tasks, 503 JSON when none.
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { Logger } from 'pino';

export interface LoadBalancerTarget {
  port: number;
}

export interface LoadBalancerOptions {
  service: string;
  /** Current healthy targets; called per request so rollouts are picked up immediately. */
  targets: () => LoadBalancerTarget[];
  logger: Logger;
}

export function createLoadBalancer(options: LoadBalancerOptions): Server {
  let next = 0;
  return createServer((incoming, outgoing) => {
    const targets = options.targets();
    if (targets.length === 0) {
      const body = JSON.stringify({ error: 'no healthy tasks', service: options.service });
      outgoing.writeHead(503, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      });
      outgoing.end(body);
      return;
    }
    const target = targets[next % targets.length] as LoadBalancerTarget;
    next = (next + 1) % 1_000_000;
    const upstream = httpRequest(
      {
        host: '127.0.0.1',
        port: target.port,
        method: incoming.method,
        path: incoming.url,
        headers: { ...incoming.headers, 'x-forwarded-for': incoming.socket.remoteAddress ?? '' },
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    upstream.on('error', (error) => {
      options.logger.warn(
        { service: options.service, port: target.port, err: error.message },
        'upstream failed',
      );
      if (outgoing.headersSent) {
        outgoing.destroy();
        return;
      }
      const body = JSON.stringify({ error: 'bad gateway', service: options.service });
      outgoing.writeHead(502, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      });
      outgoing.end(body);
    });
    incoming.pipe(upstream);
  });
}
