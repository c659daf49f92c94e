// One stable URL per service, standing in for an Application Load Balancer with a production listener
// rule (weighted target groups) and a test listener rule (an http-header condition,
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-update-rules.html): each
// request goes to a target group (by the test header, else by the production weights), then round-robin
// over that group's healthy tasks; 503 JSON when the group has none.
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { Logger } from 'pino';

export interface LoadBalancerTarget {
  port: number;
}

export interface LoadBalancerRoute {
  targetGroup: string;
  /** Healthy targets of that group; read per request so rollouts are picked up immediately. */
  targets: LoadBalancerTarget[];
}

/** The test listener rule's condition: `x-test-traffic: 1` (the contract with the deployer and CDK). */
export const TEST_TRAFFIC_HEADER = { name: 'x-test-traffic', value: '1' } as const;

/** Names the target group that served a response (local only: lets a client see the split per request). */
export const TARGET_GROUP_HEADER = 'x-local-target-group';

export interface LoadBalancerOptions {
  service: string;
  /** The target group and its targets for one request: `test` when it carries the test header. */
  route: (request: { test: boolean }) => LoadBalancerRoute;
  /** Told of every request routed to a target group (the world's per-group counters). */
  onRouted?: (targetGroup: string, kind: 'production' | 'test') => void;
  /** Told of every answer a target gave (its status), as an ALB counts them per target group. */
  onAnswered?: (targetGroup: string, status: number) => void;
  logger: Logger;
}

export function isTestRequest(headers: IncomingHttpHeaders): boolean {
  return headers[TEST_TRAFFIC_HEADER.name] === TEST_TRAFFIC_HEADER.value;
}

export function createLoadBalancer(options: LoadBalancerOptions): Server {
  let next = 0;
  return createServer((incoming, outgoing) => {
    const test = isTestRequest(incoming.headers);
    const { targetGroup, targets } = options.route({ test });
    options.onRouted?.(targetGroup, test ? 'test' : 'production');
    if (targets.length === 0) {
      const body = JSON.stringify({ error: 'no healthy tasks', service: options.service });
      outgoing.writeHead(503, {
        [TARGET_GROUP_HEADER]: targetGroup,
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
        options.onAnswered?.(targetGroup, answer.statusCode ?? 502);
        outgoing.writeHead(answer.statusCode ?? 502, {
          ...answer.headers,
          [TARGET_GROUP_HEADER]: targetGroup,
        });
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
