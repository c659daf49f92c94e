// Error mapping against a real HTTP server answering AWS-shaped JSON errors (no SDK mocks).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../../deployer/adapters/aws/clients.ts';
import { EcsAdapter } from '../../../deployer/adapters/aws/ecs-adapter.ts';
import type { DeployerError } from '../../../deployer/domain/errors.ts';

interface Answer {
  status: number;
  body: unknown;
}
let server: Server;
let endpoint: string;
let answers: Answer[] = [];
let requests: { target: string; host: string }[] = [];
const signal = new AbortController().signal;
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      requests.push({ target: String(req.headers['x-amz-target'] ?? ''), host: String(req.headers.host) });
      const answer = answers.shift() ?? { status: 200, body: {} };
      if (answer.status === 0) return; // never answer: the client must give up by itself
      res.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(() => {
  answers = [];
  requests = [];
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function ecs(maxAttempts = 1, requestTimeoutMs = 2_000): EcsAdapter {
  const clients = createAwsClients({
    maxAttempts,
    credentials,
    requestTimeoutMs,
    endpoints: { ecs: endpoint },
  });
  return new EcsAdapter(clients.ecs);
}

const awsError = (status: number, type: string): Answer => ({
  status,
  body: { __type: type, message: `${type} from test` },
});

describe('mapAwsError through EcsAdapter.updateService', () => {
  it.each([
    { answer: awsError(400, 'ThrottlingException'), code: 'AWS_THROTTLED', retryable: true },
    { answer: awsError(429, 'TooManyRequestsException'), code: 'AWS_THROTTLED', retryable: true },
    // In the SDK's own throttling list (@smithy/core/retry THROTTLING_ERROR_CODES), not in ours.
    { answer: awsError(400, 'LimitExceededException'), code: 'AWS_THROTTLED', retryable: true },
    { answer: awsError(400, 'RequestLimitExceeded'), code: 'AWS_THROTTLED', retryable: true },
    // Transient 4xx the SDK models as client faults: CloudFront's in-progress invalidation limit, SQS/KMS.
    { answer: awsError(400, 'TooManyInvalidationsInProgress'), code: 'AWS_THROTTLED', retryable: true },
    { answer: awsError(400, 'KmsThrottled'), code: 'AWS_THROTTLED', retryable: true },
    { answer: awsError(400, 'ServiceUnavailable'), code: 'AWS_UNAVAILABLE', retryable: true },
    { answer: awsError(502, 'BadGateway'), code: 'AWS_UNAVAILABLE', retryable: true },
    { answer: awsError(504, 'GatewayTimeout'), code: 'AWS_UNAVAILABLE', retryable: true },
    { answer: awsError(500, 'ServerException'), code: 'AWS_UNAVAILABLE', retryable: true },
    { answer: awsError(503, 'ServiceUnavailableException'), code: 'AWS_UNAVAILABLE', retryable: true },
    { answer: awsError(400, 'ServiceNotFoundException'), code: 'SERVICE_NOT_FOUND', retryable: false },
    { answer: awsError(400, 'ClusterNotFoundException'), code: 'SERVICE_NOT_FOUND', retryable: false },
    { answer: awsError(400, 'InvalidParameterException'), code: 'AWS_REQUEST_REJECTED', retryable: false },
    { answer: awsError(400, 'AccessDeniedException'), code: 'AWS_REQUEST_REJECTED', retryable: false },
    { answer: awsError(404, 'NoSuchDistribution'), code: 'AWS_REQUEST_REJECTED', retryable: false },
  ])('$answer.body.__type ($answer.status) becomes $code', async ({ answer, code, retryable }) => {
    answers = [answer];
    const error = (await ecs()
      .updateService('c', 's', 'arn:td', signal)
      .catch((e: unknown) => e)) as DeployerError;
    expect(error.code).toBe(code);
    expect(error.retryable).toBe(retryable);
    expect((error.cause as Error).name).toBe((answer.body as { __type: string }).__type);
    expect(error.details.operation).toBe('ecs:UpdateService');
  });

  it('the SDK retries throttling by itself before the adapter sees an error', async () => {
    answers = [
      awsError(400, 'ThrottlingException'),
      awsError(400, 'ThrottlingException'),
      { status: 200, body: {} },
    ];
    await ecs(3).updateService('c', 's', 'arn:td', signal);
    expect(requests.map((r) => r.target)).toEqual(
      Array(3).fill('AmazonEC2ContainerServiceV20141113.UpdateService'),
    );
  });

  it('a server that never answers becomes retryable AWS_UNAVAILABLE after the request timeout', async () => {
    answers = [{ status: 0, body: null }];
    const error = (await ecs(1, 200)
      .updateService('c', 's', 'arn:td', signal)
      .catch((e: unknown) => e)) as DeployerError;
    expect(error.code).toBe('AWS_UNAVAILABLE');
    expect(error.retryable).toBe(true);
  });

  it('a closed port becomes retryable AWS_UNAVAILABLE', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const clients = createAwsClients({
      maxAttempts: 1,
      credentials,
      endpoints: { ecs: `http://127.0.0.1:${port}` },
    });
    const error = (await new EcsAdapter(clients.ecs)
      .updateService('c', 's', 'arn:td', signal)
      .catch((e: unknown) => e)) as DeployerError;
    expect(error.code).toBe('AWS_UNAVAILABLE');
  });

  it('an abort by the caller becomes ABORTED', async () => {
    answers = [{ status: 0, body: null }];
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = (await ecs(1, 5_000)
      .updateService('c', 's', 'arn:td', controller.signal)
      .catch((e: unknown) => e)) as DeployerError;
    expect(error.code).toBe('ABORTED');
  });

  it('describeService of a MISSING service (200 with failures) is terminal SERVICE_NOT_FOUND', async () => {
    answers = [{ status: 200, body: { services: [], failures: [{ arn: 'arn:svc', reason: 'MISSING' }] } }];
    const error = (await ecs()
      .describeService('c', 's', signal)
      .catch((e: unknown) => e)) as DeployerError;
    expect(error.code).toBe('SERVICE_NOT_FOUND');
    expect(error.details.reason).toBe('MISSING');
  });
});

describe('createAwsClients endpoints', () => {
  it('AWS_ENDPOINT_URL_ECS from the environment is honoured by the SDK', async () => {
    const saved = process.env.AWS_ENDPOINT_URL_ECS;
    process.env.AWS_ENDPOINT_URL_ECS = endpoint;
    try {
      const clients = createAwsClients({ maxAttempts: 1, credentials, region: 'eu-west-1' });
      await new EcsAdapter(clients.ecs).updateService('c', 's', 'arn:td', signal);
      expect(requests).toHaveLength(1);
      expect(requests[0]?.host).toBe(new URL(endpoint).host);
      expect(await (await clients.cloudfront.get()).config.region()).toBe('us-east-1');
      expect(await clients.ecs.config.region()).toBe('eu-west-1');
    } finally {
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_ECS;
      else process.env.AWS_ENDPOINT_URL_ECS = saved;
    }
  });
});
