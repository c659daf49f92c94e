// buildServer() over the fake runtime with captured logs: the HTTP layer without AWS or a queue.
import type { FastifyInstance } from 'fastify';
import type { DeployerMode } from '../../deployer/contract/status-model.ts';
import { buildServer, type HttpTuning } from '../../deployer/http/server.ts';
import type { Settings } from '../../deployer/runtime/settings.ts';
import { type CapturedLogger, captureLogger } from './capture-logger.ts';
import { createFakeRuntime, type FakeRuntime } from './fake-runtime.ts';

export const TEST_TOKEN = 'test-status-token-0123456789';
export const TEST_SECRET = 'test-webhook-secret';

export interface TestServerOptions {
  mode?: DeployerMode;
  /** Default TEST_TOKEN; pass null for "no STATUS_TOKEN configured". */
  token?: string | null;
  /** Default TEST_SECRET; pass null for "no GITHUB_WEBHOOK_SECRET configured". */
  secret?: string | null;
  runtime?: FakeRuntime;
  tuning?: HttpTuning;
  /** Where the config comes from; default a plain directory. */
  config?: Settings['config'];
  /** Named, scoped tokens (default: just the status token, operate). */
  apiTokens?: Settings['apiTokens'];
}

export interface TestServer {
  app: FastifyInstance;
  runtime: FakeRuntime;
  log: CapturedLogger;
}

export async function testServer(options: TestServerOptions = {}): Promise<TestServer> {
  const runtime = options.runtime ?? createFakeRuntime();
  const log = captureLogger();
  const app = buildServer({
    runtime,
    logger: log.logger,
    settings: {
      mode: options.mode ?? 'local',
      statusToken: options.token === null ? undefined : (options.token ?? TEST_TOKEN),
      githubWebhookSecret: options.secret === null ? undefined : (options.secret ?? TEST_SECRET),
      trackedRef: 'refs/heads/main',
      config: options.config ?? { kind: 'directory', path: '/tmp/config' },
      ...(options.apiTokens ? { apiTokens: options.apiTokens } : {}),
    },
    ...(options.tuning ? { tuning: options.tuning } : {}),
  });
  await app.ready();
  return { app, runtime, log };
}

export const bearer = (token = TEST_TOKEN) => ({ authorization: `Bearer ${token}` });
