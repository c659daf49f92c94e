// Per-AWS-call latency for the local world: a loopback HTTP proxy in front of each AWS endpoint
// (ECS, ECR, CloudFront, SSM, CloudWatch Logs, SQS) holds every request half the injected latency
// before forwarding it and the answer the other half, so each SDK call costs one "regional round
// trip" more, whichever API it is. Nothing in the stand-ins changes. The proxy also counts calls by
// operation, which is how benches count AWS calls on the wire (SQS included) rather than in-process.
//
// SQS works behind it because the deployer's clients set `useQueueUrlAsEndpoint: false` when the SQS
// endpoint is overridden (deployer/adapters/aws/clients.ts), so requests go to the proxy, not to the
// queue URL's host.
import { Agent, createServer, type IncomingMessage, request, type Server } from 'node:http';
import { close, listen } from '../../local/http-util.ts';
import type { LocalEndpoints, LocalWorld } from '../../local/world.ts';

export interface AwsCall {
  /** Endpoint the call went to: ecs, ecr, cloudfront, ssm, logs, sqs. */
  api: keyof LocalEndpoints;
  /** `X-Amz-Target` operation (DescribeServices, SendMessage…) or `METHOD /path` for REST APIs. */
  operation: string;
  /** Epoch ms (fractional) when the proxy received the request: comparable with Date.now(). */
  at: number;
  /**
   * The proxy's own time on this call once answered: receipt to answer written, less the stand-in's
   * answer time and the injected latency (timer lateness, buffering, the extra loopback hop).
   */
  proxyMs?: number;
}

export class AwsCallLog {
  readonly calls: AwsCall[] = [];

  record(call: AwsCall): void {
    this.calls.push(call);
  }

  /** A mark for since(): the number of calls so far. */
  mark(): number {
    return this.calls.length;
  }

  /** Calls by `api:operation` made after the mark (all calls without one). */
  byOperation(mark = 0): Map<string, number> {
    const counts = new Map<string, number>();
    for (const call of this.calls.slice(mark)) {
      const key = `${call.api}:${call.operation}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return counts;
  }

  /** Calls received within [from, to] (epoch ms). */
  between(from: number, to: number): AwsCall[] {
    return this.calls.filter((call) => call.at >= from && call.at <= to);
  }
}

export interface AwsLatencyProxy {
  /** Drop-in for world.endpoints: every URL is a proxy. */
  endpoints: LocalEndpoints;
  /** Drop-in for world.env(): AWS_ENDPOINT_URL_* point at the proxies. */
  env(): Record<string, string>;
  calls: AwsCallLog;
  latencyMs: number;
  stop(): Promise<void>;
}

const ENDPOINT_VARIABLES: Record<keyof LocalEndpoints, string> = {
  ecs: 'AWS_ENDPOINT_URL_ECS',
  ecr: 'AWS_ENDPOINT_URL_ECR',
  cloudfront: 'AWS_ENDPOINT_URL_CLOUDFRONT',
  ssm: 'AWS_ENDPOINT_URL_SSM',
  logs: 'AWS_ENDPOINT_URL_CLOUDWATCH_LOGS',
  cloudwatch: 'AWS_ENDPOINT_URL_CLOUDWATCH',
  sqs: 'AWS_ENDPOINT_URL_SQS',
};

function operationOf(incoming: IncomingMessage): string {
  const target = incoming.headers['x-amz-target'];
  if (typeof target === 'string' && target.includes('.')) return target.slice(target.lastIndexOf('.') + 1);
  // REST APIs (CloudFront): the method and the path without ids.
  const path = (incoming.url ?? '/').split('?')[0] ?? '/';
  return `${incoming.method} ${path.replace(/\/[A-Z0-9]{8,}(?=\/|$)/g, '/{id}')}`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function startOne(
  api: keyof LocalEndpoints,
  target: URL,
  latencyMs: number,
  calls: AwsCallLog,
  agent: Agent,
): Server {
  const before = Math.floor(latencyMs / 2);
  const after = latencyMs - before;
  return createServer((incoming, outgoing) => {
    const receivedAt = performance.now();
    const call: AwsCall = { api, operation: operationOf(incoming), at: performance.timeOrigin + receivedAt };
    calls.record(call);
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of incoming) chunks.push(chunk as Buffer);
      if (before > 0) await sleep(before);
      const forwardedAt = performance.now();
      const forwarded = request(
        {
          host: target.hostname,
          port: target.port,
          method: incoming.method,
          path: incoming.url,
          headers: incoming.headers,
          agent,
        },
        (answer) => {
          const parts: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => parts.push(chunk));
          answer.on('end', () => {
            const standInMs = performance.now() - forwardedAt;
            void sleep(after).then(() => {
              outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
              outgoing.end(Buffer.concat(parts));
              call.proxyMs = performance.now() - receivedAt - standInMs - latencyMs;
            });
          });
        },
      );
      forwarded.on('error', (error) => {
        outgoing.writeHead(502, { 'content-type': 'text/plain' });
        outgoing.end(`latency proxy: ${api} at ${target.href} did not answer: ${error.message}`);
      });
      forwarded.end(Buffer.concat(chunks));
    })().catch((error: unknown) => {
      outgoing.destroy(error instanceof Error ? error : new Error(String(error)));
    });
  });
}

/** Puts a proxy adding `latencyMs` per call in front of each of the world's AWS endpoints. */
export async function startAwsLatencyProxy(
  world: Pick<LocalWorld, 'endpoints' | 'env'>,
  options: { latencyMs: number },
): Promise<AwsLatencyProxy> {
  const { latencyMs } = options;
  if (!(latencyMs >= 0)) throw new RangeError(`latencyMs must be >= 0, got ${latencyMs}`);
  const calls = new AwsCallLog();
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const servers: Server[] = [];
  const endpoints = { ...world.endpoints };
  try {
    for (const api of Object.keys(ENDPOINT_VARIABLES) as (keyof LocalEndpoints)[]) {
      const server = startOne(api, new URL(world.endpoints[api]), latencyMs, calls, agent);
      servers.push(server);
      endpoints[api] = `http://127.0.0.1:${await listen(server, 0)}`;
    }
  } catch (error) {
    await Promise.all(servers.map((server) => close(server)));
    throw error;
  }
  return {
    endpoints,
    env: () => {
      const env = world.env();
      for (const [api, variable] of Object.entries(ENDPOINT_VARIABLES))
        env[variable] = endpoints[api as keyof LocalEndpoints];
      return env;
    },
    calls,
    latencyMs,
    async stop() {
      await Promise.all(servers.map((server) => close(server)));
      agent.destroy();
    },
  };
}
