// Builds the AWS SDK v3 clients the adapters use. Endpoints are NOT set here: the SDK itself reads
// AWS_ENDPOINT_URL_ECS / _ECR / _CLOUDFRONT / _SQS / _SSM / _CLOUDWATCH_LOGS / _CLOUDWATCH (and AWS_ENDPOINT_URL) from the environment
// (@smithy/core getEndpointUrlConfig), which is how local runs reach the stand-ins. `endpoints` only
// exists for callers that want to pass them explicitly.
// CloudFront, CloudWatch and CloudWatch Logs are imported on first use (OnDemandClient): a deployer
// whose services set no `cdn` or `rollout.analysis` and whose tasks do not fail never calls them, and
// loading their SDK packages at start cost ~8 MiB resident and ~0.15 s of CPU before ready.
import type { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { ECRClient } from '@aws-sdk/client-ecr';
import { ECSClient } from '@aws-sdk/client-ecs';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';

export interface AwsClientSettings {
  /** Defaults to AWS_REGION, then us-east-1. */
  region?: string;
  /** Total attempts per call including the first; the SDK retries throttling, 5xx and timeouts. */
  maxAttempts?: number;
  /**
   * `standard` (default) backs off and retries; `adaptive` also rate-limits the client after
   * throttling, which bench:latency measured at 2.5x the event latency under 20 % injected faults
   * for no gain at a deployer's call rate. AWS_RETRY_MODE overrides the default.
   */
  retryMode?: 'standard' | 'adaptive';
  /** Per-request socket timeout; a timed-out attempt counts as a retryable failure. */
  requestTimeoutMs?: number;
  connectionTimeoutMs?: number;
  /** Explicit endpoints win over AWS_ENDPOINT_URL_* (tests, unusual setups). */
  endpoints?: Partial<
    Record<'ecs' | 'ecr' | 'cloudfront' | 'sqs' | 'ssm' | 'logs' | 'cloudwatch' | 'sts', string>
  >;
  /** Static credentials (local stand-ins, tests); otherwise the SDK's default provider chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Where to read AWS_REGION / AWS_ENDPOINT_URL_SQS from; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
}

/** A client made (and its SDK package imported) on the first get(); every get() returns that one. */
export interface OnDemandClient<T> {
  get(): Promise<T>;
}

/** Makes the client on first use; `destroy` closes it if it was made. */
function onDemand<T extends { destroy(): void }>(
  make: () => Promise<T>,
): OnDemandClient<T> & { destroy(): void } {
  let made: Promise<T> | undefined;
  let client: T | undefined;
  return {
    get: () => {
      made ??= make().then((created) => {
        client = created;
        return created;
      });
      return made;
    },
    destroy: () => client?.destroy(),
  };
}

export interface AwsClients {
  ecs: ECSClient;
  ecr: ECRClient;
  cloudfront: OnDemandClient<CloudFrontClient>;
  sqs: SQSClient;
  /** Parameter Store: the last good config revision (ssm-last-good-config.ts) and the release records (ssm-adapter.ts). */
  ssm: SSMClient;
  /** CloudWatch Logs: the last lines of a stopped task's container (logs-adapter.ts). */
  logs: OnDemandClient<CloudWatchLogsClient>;
  /** CloudWatch: alarm states and load balancer metrics for the rollout analysis (cloudwatch-adapter.ts). */
  cloudwatch: OnDemandClient<CloudWatchClient>;
  /** Closes the clients' sockets (shutdown, tests). */
  destroy(): void;
}

export const DEFAULT_MAX_ATTEMPTS = 5;
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

function retryModeFrom(value: string | undefined): 'standard' | 'adaptive' {
  return value === 'adaptive' ? 'adaptive' : 'standard';
}

/** The settings every client shares: retries, timeouts, credentials. */
function commonSettings(settings: AwsClientSettings) {
  const env = settings.env ?? process.env;
  return {
    maxAttempts: settings.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    retryMode: settings.retryMode ?? retryModeFrom(env.AWS_RETRY_MODE),
    ...(settings.credentials ? { credentials: settings.credentials } : {}),
    requestHandler: {
      requestTimeout: settings.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      connectionTimeout: settings.connectionTimeoutMs ?? 5_000,
      // Without this the SDK only logs a warning and keeps waiting on a hung endpoint.
      throwOnRequestTimeout: true,
    },
  };
}

export function createAwsClients(settings: AwsClientSettings = {}): AwsClients {
  const env = settings.env ?? process.env;
  const region = settings.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const common = commonSettings(settings);
  const endpoint = (key: keyof NonNullable<AwsClientSettings['endpoints']>) => {
    const url = settings.endpoints?.[key];
    return url ? { endpoint: url } : {};
  };
  const sqsOverridden = Boolean(settings.endpoints?.sqs || env.AWS_ENDPOINT_URL_SQS || env.AWS_ENDPOINT_URL);
  const ecs = new ECSClient({ ...common, region, ...endpoint('ecs') });
  const ecr = new ECRClient({ ...common, region, ...endpoint('ecr') });
  // CloudFront is global: its API lives in us-east-1 whatever region the rest uses.
  const cloudfront = onDemand(
    async () =>
      new (await import('@aws-sdk/client-cloudfront')).CloudFrontClient({
        ...common,
        region: 'us-east-1',
        ...endpoint('cloudfront'),
      }),
  );
  const ssm = new SSMClient({ ...common, region, ...endpoint('ssm') });
  const logs = onDemand(
    async () =>
      new (await import('@aws-sdk/client-cloudwatch-logs')).CloudWatchLogsClient({
        ...common,
        region,
        ...endpoint('logs'),
      }),
  );
  const cloudwatch = onDemand(
    async () =>
      new (await import('@aws-sdk/client-cloudwatch')).CloudWatchClient({
        ...common,
        region,
        ...endpoint('cloudwatch'),
      }),
  );
  const sqs = new SQSClient({
    ...common,
    region,
    ...endpoint('sqs'),
    // With an overridden endpoint, emulators hand out queue URLs on hosts like
    // `sqs.us-east-1.localhost` that may not resolve; the configured endpoint must win.
    ...(sqsOverridden ? { useQueueUrlAsEndpoint: false } : {}),
  });
  return {
    ecs,
    ecr,
    cloudfront,
    sqs,
    ssm,
    logs,
    cloudwatch,
    destroy() {
      ssm.destroy();
      logs.destroy();
      cloudwatch.destroy();
      ecs.destroy();
      ecr.destroy();
      cloudfront.destroy();
      sqs.destroy();
    },
  };
}

/** The clients of one environment in another Region or account (config `environments.<env>`). */
export interface EnvironmentClients {
  ecs: ECSClient;
  cloudfront: OnDemandClient<CloudFrontClient>;
  destroy(): void;
}

/** The session name the deployer assumes environment roles with: it shows in CloudTrail. */
export const ROLE_SESSION_NAME = 'ecs-gitops-deployer';

/**
 * ECS and CloudFront clients for an environment's Region and role. With `roleArn` their credentials are
 * the role's temporary credentials from STS AssumeRole, asked for with the deployer's own credentials
 * on first use and again before they expire (fromTemporaryCredentials;
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html: "Returns a set of temporary
 * security credentials that you can use to access Amazon Web Services resources", cross-account
 * included, valid one hour by default). STS is called in the environment's Region, or the deployer's.
 */
export function createEnvironmentClients(
  settings: AwsClientSettings,
  target: { region?: string; roleArn?: string },
): EnvironmentClients {
  const env = settings.env ?? process.env;
  const home = settings.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const region = target.region ?? home;
  const base = commonSettings(settings);
  const credentials =
    target.roleArn === undefined
      ? base.credentials
      : fromTemporaryCredentials({
          params: { RoleArn: target.roleArn, RoleSessionName: ROLE_SESSION_NAME },
          ...(settings.credentials ? { masterCredentials: settings.credentials } : {}),
          clientConfig: {
            region,
            ...(settings.endpoints?.sts ? { endpoint: settings.endpoints.sts } : {}),
          },
        });
  const common = { ...base, ...(credentials ? { credentials } : {}) };
  const ecs = new ECSClient({
    ...common,
    region,
    ...(settings.endpoints?.ecs ? { endpoint: settings.endpoints.ecs } : {}),
  });
  const cloudfront = onDemand(
    async () =>
      new (await import('@aws-sdk/client-cloudfront')).CloudFrontClient({
        ...common,
        region: 'us-east-1',
        ...(settings.endpoints?.cloudfront ? { endpoint: settings.endpoints.cloudfront } : {}),
      }),
  );
  return {
    ecs,
    cloudfront,
    destroy() {
      ecs.destroy();
      cloudfront.destroy();
    },
  };
}
