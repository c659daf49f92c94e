// What the reconciler needs from the world. deployer/adapters implements these against AWS SDK v3
// (and so against the local stand-ins through AWS_ENDPOINT_URL_*); tests may use in-memory fakes of
// these interfaces, never hand-made mocks of the SDK. Every call takes an AbortSignal.

import type { AlarmReading, TargetGroupCounts } from './domain/analysis.ts';
import type { EcsDeploymentConfiguration } from './domain/rollout-strategy.ts';
import type { StoppedTask } from './domain/stopped-tasks.ts';
import type { LiveServiceDeployment } from './domain/strategy-gate.ts';
import type {
  ConfigError,
  ConfigFile,
  LiveService,
  QueueMessage,
  RegistryImage,
  TaskDefinition,
} from './domain/types.ts';

export interface DescribedTaskDefinition {
  taskDefinition: TaskDefinition;
  /** Resource tags of the revision (from describeTaskDefinition include: TAGS). */
  tags: Record<string, string>;
}

/** Services of one cluster described at once: those ECS found ACTIVE, and the others with its reason. */
export interface ServicesDescribed {
  found: LiveService[];
  missing: { service: string; reason: string }[];
}

export interface UpdateServiceOptions {
  /** Sent as UpdateService `deploymentConfiguration` (planDeploymentConfiguration); absent: left as it is. */
  deploymentConfiguration?: EcsDeploymentConfiguration;
}

export interface EcsPort {
  describeService(cluster: string, service: string, signal: AbortSignal): Promise<LiveService>;
  /**
   * Many services of one cluster (a resync pass, the status rebuild). DescribeServices takes up to 10
   * services a call; the adapter splits longer lists.
   */
  describeServices(
    cluster: string,
    services: readonly string[],
    signal: AbortSignal,
  ): Promise<ServicesDescribed>;
  describeTaskDefinition(taskDefinition: string, signal: AbortSignal): Promise<DescribedTaskDefinition>;
  /** Registers a revision with tags; returns its ARN. */
  registerTaskDefinition(
    taskDefinition: TaskDefinition,
    tags: Record<string, string>,
    signal: AbortSignal,
  ): Promise<string>;
  /** ARNs of ACTIVE revisions of a family, newest first (used to find our own earlier work). */
  listTaskDefinitions(family: string, signal: AbortSignal): Promise<string[]>;
  /** Adds or overwrites tags on a resource (a task definition revision records a rollout's result). */
  tagResource(resourceArn: string, tags: Record<string, string>, signal: AbortSignal): Promise<void>;
  /**
   * Points the service at a revision. `options.deploymentConfiguration` (rollout-strategy.ts) goes with
   * the same call, so the new deployment already runs under the configured strategy. Resolves with the
   * service as the answer describes it after the update (its new deployment included), when it does.
   */
  updateService(
    cluster: string,
    service: string,
    taskDefinitionArn: string,
    signal: AbortSignal,
    options?: UpdateServiceOptions,
  ): Promise<LiveService | undefined>;
  /**
   * The service's newest service deployment that is PENDING or IN_PROGRESS, with its lifecycle stage and
   * traffic split (ListServiceDeployments + DescribeServiceDeployments); undefined when none runs.
   * Optional: worlds without ECS's deployment strategies do without the strategy gate.
   */
  currentServiceDeployment?(
    cluster: string,
    service: string,
    signal: AbortSignal,
  ): Promise<LiveServiceDeployment | undefined>;
  /** StopServiceDeployment with stopType ROLLBACK: ECS moves traffic back and stops the new revision. */
  rollBackServiceDeployment?(serviceDeploymentArn: string, signal: AbortSignal): Promise<void>;
  /** ContinueServiceDeployment: CONTINUE or ROLLBACK a deployment a PAUSE hook holds (`awaitingHookId`). */
  continueServiceDeployment?(
    serviceDeploymentArn: string,
    hookId: string,
    action: 'CONTINUE' | 'ROLLBACK',
    signal: AbortSignal,
  ): Promise<void>;
  /**
   * The service's recently stopped tasks of one revision, with their stop reason and exit codes (ECS
   * lists stopped tasks for at least an hour). Explains a failed rollout; order is not defined.
   */
  stoppedTasks(
    cluster: string,
    service: string,
    taskDefinitionArn: string,
    signal: AbortSignal,
  ): Promise<StoppedTask[]>;
}

/** The output of a container, as its log driver shipped it (CloudWatch Logs for awslogs). */
export interface TaskLogsPort {
  /** The last `limit` lines of a log stream, oldest first; [] when the stream does not exist (yet). */
  lastLines(group: string, stream: string, limit: number, signal: AbortSignal): Promise<string[]>;
}

export interface RegistryPort {
  /** Every image of a repository (name or URI), with tags, digest and push time. */
  listImages(repository: string, signal: AbortSignal): Promise<RegistryImage[]>;
  /** Registry host + repository to put in front of `@sha256:...` when rendering the image. */
  repositoryUri(repository: string, signal: AbortSignal): Promise<string>;
}

export interface InvalidationStatus {
  id: string;
  status: 'InProgress' | 'Completed';
}

export interface CdnPort {
  /** Idempotent by callerReference: a repeat returns the earlier invalidation. */
  createInvalidation(
    distributionId: string,
    paths: string[],
    callerReference: string,
    signal: AbortSignal,
  ): Promise<InvalidationStatus>;
  getInvalidation(distributionId: string, id: string, signal: AbortSignal): Promise<InvalidationStatus>;
}

export interface ReceivedMessage {
  body: QueueMessage;
  receiptHandle: string;
  messageId: string;
  groupId: string;
  receiveCount: number;
}

export interface QueuePort {
  send(message: QueueMessage, signal: AbortSignal): Promise<void>;
  /**
   * Sends many messages (SendMessageBatch takes 10 a call; the adapter splits and retries the entries
   * SQS refused). Resolves once every message is on the queue; rejects naming the ones that are not.
   */
  sendBatch(messages: readonly QueueMessage[], signal: AbortSignal): Promise<void>;
  receive(maxMessages: number, waitSeconds: number, signal: AbortSignal): Promise<ReceivedMessage[]>;
  delete(receiptHandle: string, signal: AbortSignal): Promise<void>;
  changeVisibility(
    receiptHandle: string,
    visibilityTimeoutSeconds: number,
    signal: AbortSignal,
  ): Promise<void>;
  /** Approximate visible / in-flight counts for status and metrics. */
  stats(signal: AbortSignal): Promise<{ visible: number; inFlight: number }>;
}

export interface ConfigSnapshot {
  /** Commit sha (git) or content hash (directory). */
  revision: string;
  files: ConfigFile[];
  /**
   * Files the source refused to read (over the size limits of config-limits.ts), each an error that
   * names the file. Reported like validation errors: the revision is rejected, nothing is lost.
   */
  problems?: ConfigError[];
}

export interface ConfigSource {
  /** Reads `config/services/*.yaml` at a revision (default: the tracked branch head / the directory now). */
  read(revision: string | undefined, signal: AbortSignal): Promise<ConfigSnapshot>;
}

/** The last config revision that was valid and applied, kept in AWS so it outlives the deployer. */
export interface LastGoodConfig {
  revision: string;
  appliedAt: string;
}

export interface LastGoodConfigStore {
  /** undefined when none was recorded yet. */
  read(signal: AbortSignal): Promise<LastGoodConfig | undefined>;
  write(lastGood: LastGoodConfig, signal: AbortSignal): Promise<void>;
}

export interface VerifyProbe {
  /**
   * GETs the URL once; resolves with status and parsed JSON body (undefined if not JSON). `headers` go
   * with the request (the test-traffic header that sends it to a new revision, rollout.testTraffic).
   */
  get(
    url: string,
    signal: AbortSignal,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: unknown }>;
}

/** CloudWatch reads of the rollout analysis (domain/analysis.ts): alarm states and load balancer metrics. */
export interface MetricsPort {
  /** DescribeAlarms of these names; names CloudWatch does not know are left out of the answer. */
  alarms(names: readonly string[], signal: AbortSignal): Promise<AlarmReading[]>;
  /**
   * GetMetricData: sums of the ALB's RequestCount and HTTPCode_Target_5XX_Count per target group (ARNs,
   * the keys of the answer) behind `loadBalancer` (`app/<name>/<id>`) from `start` to `end`.
   */
  targetGroupCounts(
    loadBalancer: string,
    targetGroupArns: readonly string[],
    window: { start: Date; end: Date },
    signal: AbortSignal,
  ): Promise<Record<string, TargetGroupCounts>>;
}

/** The HTTP analysis URL: one GET; resolves with the status and the start of the body as text. */
export interface AnalysisProbe {
  get(url: string, timeoutMs: number, signal: AbortSignal): Promise<{ status: number; text: string }>;
}

/** What `rollout.analysis` reads through; a source whose port is missing fails (nothing unread passes). */
export interface AnalysisPorts {
  metrics?: MetricsPort | undefined;
  probe?: AnalysisProbe | undefined;
}

export interface Clock {
  now(): Date;
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  /** Calls `tick` every `ms` until `signal` aborts; never keeps the process alive by itself. */
  every(ms: number, tick: () => void, signal: AbortSignal): void;
}

/** What a service runs after a successful rollout: the fields the deployer owns in its task definition. */
export interface ReleaseRecord {
  /** The digest-pinned image (`<repository uri>@sha256:...`) of the service's container. */
  image: string;
}

export interface ReleaseRecordPort {
  /**
   * Records (overwriting) what a service runs, where the next infrastructure synth/deploy reads it,
   * so a `cdk deploy` never moves the image backwards.
   */
  recordServed(service: string, record: ReleaseRecord, signal: AbortSignal): Promise<void>;
}
