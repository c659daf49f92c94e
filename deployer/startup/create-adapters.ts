// Builds the production adapters (AWS SDK v3 clients, git or directory config source, HTTP probe,
// clock) from the settings. Local stand-ins are reached the same way AWS is: through endpoints.
// The one place adapters are assembled: the deployer, benchmarks and integration tests all come here
// and only say what they change (retries, probe timeout, a wrapper around the queue).
import type { Logger } from 'pino';
import {
  type AwsClientSettings,
  createAwsClients,
  createEnvironmentClients,
  type EnvironmentClients,
} from '../adapters/aws/clients.ts';
import { EcrAdapter } from '../adapters/aws/ecr-adapter.ts';
import { ECS_RATE_LIMIT, EcsAdapter } from '../adapters/aws/ecs-adapter.ts';
import { SqsQueue } from '../adapters/aws/sqs-adapter.ts';
import { SsmReleaseRecords } from '../adapters/aws/ssm-adapter.ts';
import { SsmLastGoodConfig } from '../adapters/aws/ssm-last-good-config.ts';
import { DirectoryConfigSource } from '../adapters/directory-config-source.ts';
import { GitConfigSource } from '../adapters/git/git-config-source.ts';
import { HttpAnalysisProbe } from '../adapters/http/analysis-probe.ts';
import { HttpVerifyProbe } from '../adapters/http/verify-probe.ts';
import { SystemClock } from '../adapters/system-clock.ts';
import type { QueuePort } from '../ports.ts';
import type { RuntimeDeps } from '../runtime/app.ts';
import type { EnvironmentPortsFactory, TargetPorts } from '../runtime/environment-ports.ts';
import type { Settings } from '../runtime/settings.ts';
import { RateLimiter } from '../shared/rate-limiter.ts';
import { cdnOnDemand, metricsOnDemand, taskLogsOnDemand } from './on-demand-ports.ts';

export type Adapters = Omit<RuntimeDeps, 'settings' | 'logger'> & {
  /** Closes the SDK clients' sockets. */
  destroy(): void;
};

export interface CreateAdaptersOptions {
  settings: Settings;
  /** Where the SDK reads AWS_ENDPOINT_URL_* and AWS_REGION (the local world's env in local mode). */
  env: NodeJS.ProcessEnv;
  endpoints?: AwsClientSettings['endpoints'];
  credentials?: AwsClientSettings['credentials'];
  logger: Logger;
  /** SDK retry mode; default AWS_RETRY_MODE, else standard (see clients.ts). */
  retryMode?: AwsClientSettings['retryMode'];
  /** SDK attempts per call including the first. */
  maxAttempts?: number;
  /** How long one verify probe waits for an answer. */
  probeTimeoutMs?: number;
  /** Wraps the SQS queue: a test that simulates a crash, a benchmark that times receives. */
  wrapQueue?: (queue: QueuePort) => QueuePort;
}

export function createAdapters(options: CreateAdaptersOptions): Adapters {
  const { settings, logger } = options;
  if (!settings.queueUrl) throw new Error('no queue URL: set QUEUE_URL (the SQS FIFO queue of the deployer)');
  const clientSettings: AwsClientSettings = {
    region: settings.region,
    env: options.env,
    ...(options.endpoints ? { endpoints: options.endpoints } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(options.retryMode ? { retryMode: options.retryMode } : {}),
    ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
  };
  const clients = createAwsClients(clientSettings);
  // In AWS the deployer stays under ECS's throttling quotas (per account and Region); the local
  // stand-ins have none.
  const ecsOf = (client: EnvironmentClients['ecs']) =>
    new EcsAdapter(client, settings.mode === 'aws' ? { limiter: new RateLimiter(ECS_RATE_LIMIT) } : {});
  // Loaded on first use with their SDK packages (on-demand-ports.ts).
  const cdnOf = (client: EnvironmentClients['cloudfront']) =>
    cdnOnDemand(async () => {
      const { CloudFrontAdapter } = await import('../adapters/aws/cloudfront-adapter.ts');
      return new CloudFrontAdapter(await client.get());
    });
  const environments = new Map<string, { ports: TargetPorts; clients: EnvironmentClients }>();
  const environmentPorts: EnvironmentPortsFactory = (target) => {
    const key = `${target.region ?? ''} ${target.roleArn ?? ''}`;
    let known = environments.get(key);
    if (!known) {
      const own = createEnvironmentClients(clientSettings, target);
      known = { clients: own, ports: { ecs: ecsOf(own.ecs), cdn: cdnOf(own.cloudfront) } };
      environments.set(key, known);
    }
    return known.ports;
  };
  const queueLog = logger.child({ component: 'queue' });
  const sqsQueue = new SqsQueue({
    client: clients.sqs,
    queueUrl: settings.queueUrl,
    ...(settings.dlqUrl ? { deadLetterQueueUrl: settings.dlqUrl } : {}),
    onPoison: ({ body: _body, error, ...poison }) =>
      queueLog.warn({ ...poison, err: error }, 'undecodable queue message set aside'),
    onIgnored: (ignored) => queueLog.info(ignored, 'queue event ignored'),
    onHandOffFailed: ({ error, ...failure }) =>
      queueLog.warn({ ...failure, err: error }, 'queue message could not be set aside; it comes back later'),
  });
  const queue = options.wrapQueue ? options.wrapQueue(sqsQueue) : sqsQueue;
  const configSource =
    settings.config.kind === 'git'
      ? new GitConfigSource({
          repository: settings.config.repository,
          branch: settings.config.branch,
          cacheDir: settings.config.cacheDir,
          configPath: settings.config.dir === '' ? 'services' : `${settings.config.dir}/services`,
        })
      : new DirectoryConfigSource({ root: settings.config.path, configPath: 'services' });
  return {
    ecs: ecsOf(clients.ecs),
    environmentPorts,
    taskLogs: taskLogsOnDemand(async () => {
      const { CloudWatchTaskLogs } = await import('../adapters/aws/logs-adapter.ts');
      return new CloudWatchTaskLogs(await clients.logs.get());
    }),
    registry: new EcrAdapter(clients.ecr),
    cdn: cdnOf(clients.cloudfront),
    queue,
    configSource,
    // Local mode against an external world that runs no SSM stand-in: nothing to keep it in (real
    // SSM with the stand-ins' fake credentials would only fail slowly on every write).
    ...(hasSsm(settings, options)
      ? { lastGood: new SsmLastGoodConfig(clients.ssm, settings.lastGoodConfigParameter) }
      : {}),
    probe: new HttpVerifyProbe({
      allowPrivateNetworks: settings.verifyAllowPrivateNetworks,
      ...(options.probeTimeoutMs ? { timeoutMs: options.probeTimeoutMs } : {}),
    }),
    // rollout.analysis: CloudWatch (AWS_ENDPOINT_URL_CLOUDWATCH reaches the local world's stand-in) and
    // the analysis URL, fetched as carefully as the verify URL.
    analysis: {
      metrics: metricsOnDemand(async () => {
        const { CloudWatchMetrics } = await import('../adapters/aws/cloudwatch-adapter.ts');
        return new CloudWatchMetrics(await clients.cloudwatch.get());
      }),
      probe: new HttpAnalysisProbe({ allowPrivateNetworks: settings.verifyAllowPrivateNetworks }),
    },
    clock: new SystemClock(),
    ...(settings.releaseParameterPrefix
      ? { releaseRecords: new SsmReleaseRecords(clients.ssm, settings.releaseParameterPrefix) }
      : {}),
    destroy: () => {
      clients.destroy();
      for (const environment of environments.values()) environment.clients.destroy();
    },
  };
}

function hasSsm(settings: Settings, options: CreateAdaptersOptions): boolean {
  if (settings.mode === 'aws') return true;
  return Boolean(options.endpoints?.ssm || options.env.AWS_ENDPOINT_URL_SSM || options.env.AWS_ENDPOINT_URL);
}
