// GET /readyz over a real queue (fauxqs on loopback) and the real SQS adapter: ready while the queue
// answers, 503 naming the queue once it is stopped (while /healthz stays 200), ready again once a
// queue answers at the same address.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsClients, createAwsClients } from '../../../deployer/adapters/aws/clients.ts';
import { CloudFrontAdapter } from '../../../deployer/adapters/aws/cloudfront-adapter.ts';
import { EcrAdapter } from '../../../deployer/adapters/aws/ecr-adapter.ts';
import { EcsAdapter } from '../../../deployer/adapters/aws/ecs-adapter.ts';
import { SqsQueue } from '../../../deployer/adapters/aws/sqs-adapter.ts';
import { DirectoryConfigSource } from '../../../deployer/adapters/directory-config-source.ts';
import { HttpVerifyProbe } from '../../../deployer/adapters/http/verify-probe.ts';
import { SystemClock } from '../../../deployer/adapters/system-clock.ts';
import { buildServer } from '../../../deployer/http/server.ts';
import { createDeployerRuntime } from '../../../deployer/runtime/app.ts';
import type { DeployerRuntime } from '../../../deployer/runtime/runtime.ts';
import { loadSettings } from '../../../deployer/runtime/settings.ts';
import { type LocalQueue, startLocalQueue } from '../../../local/sqs.ts';

const silent = pino({ level: 'silent' });
const QUEUE_OPTIONS = { maxReceiveCount: 5, visibilityTimeoutSeconds: 30 };
const CAP = { timeout: 15_000, interval: 50 };

let queue: LocalQueue;
let port: number;
let clients: AwsClients;
let configRoot: string;
let runtime: DeployerRuntime;
let app: FastifyInstance;

beforeAll(async () => {
  queue = await startLocalQueue({ port: 0, ...QUEUE_OPTIONS });
  port = Number(new URL(queue.endpoint).port);
  configRoot = await mkdtemp(path.join(os.tmpdir(), 'readiness-queue-'));
  await mkdir(path.join(configRoot, 'services'));
  // No service: the runtime never needs ECS, only the queue and the config directory.
  clients = createAwsClients({
    maxAttempts: 1,
    endpoints: { sqs: queue.endpoint, ecs: queue.endpoint, ecr: queue.endpoint, cloudfront: queue.endpoint },
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    region: 'us-east-1',
  });
  const settings = loadSettings({
    DEPLOYER_MODE: 'local',
    QUEUE_URL: queue.queueUrl,
    CONFIG_PATH: configRoot,
    RESYNC_INTERVAL_SECONDS: '0',
  });
  runtime = createDeployerRuntime(
    {
      settings,
      ecs: new EcsAdapter(clients.ecs),
      registry: new EcrAdapter(clients.ecr),
      cdn: new CloudFrontAdapter(await clients.cloudfront.get()),
      queue: new SqsQueue({ client: clients.sqs, queueUrl: queue.queueUrl }),
      configSource: new DirectoryConfigSource({ root: configRoot, configPath: 'services' }),
      probe: new HttpVerifyProbe({ timeoutMs: 2_000 }),
      clock: new SystemClock(),
      logger: silent,
    },
    { receiveWaitSeconds: 1, queueStatsIntervalMs: 0, backoffSeconds: () => 0 },
  );
  app = buildServer({ runtime, settings: { ...settings, statusToken: 'x'.repeat(32) }, logger: silent });
  await runtime.start();
}, 30_000);

afterAll(async () => {
  await app?.close();
  await runtime?.stop();
  clients?.destroy();
  await queue?.stop();
  if (configRoot) await rm(configRoot, { recursive: true, force: true });
});

const readyz = async () => {
  const response = await app.inject({ method: 'GET', url: '/readyz' });
  return { status: response.statusCode, body: response.json() };
};

describe('GET /readyz with the queue stopped', () => {
  it('is 200 while the queue answers, 503 naming the queue once it is stopped, 200 again once it is back', async () => {
    await expect.poll(async () => (await readyz()).status, CAP).toBe(200);

    await queue.stop();
    await expect.poll(async () => (await readyz()).status, CAP).toBe(503);
    const down = await readyz();
    expect(down.body.error.code).toBe('NOT_READY');
    expect(down.body.error.message).toContain('queue: the queue does not answer');
    expect(down.body.checks).toEqual(
      expect.arrayContaining([
        { name: 'config', ok: true, message: 'ok' },
        expect.objectContaining({ name: 'queue', ok: false }),
      ]),
    );
    // Liveness does not depend on the queue: a restart would not bring it back.
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);

    queue = await startLocalQueue({ port, ...QUEUE_OPTIONS });
    await expect.poll(async () => (await readyz()).status, CAP).toBe(200);
  }, 60_000);
});
