// Service deployments and revisions (ListServiceDeployments, DescribeServiceDeployments,
// StopServiceDeployment, ContinueServiceDeployment): ECS's history of what each deployment did, one per
// UpdateService that starts a deployment, with its status, lifecycle stage, target and source revisions
// and rollback ("View service history using Amazon ECS service deployments",
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-deployment.html;
// API_ServiceDeployment.html, API_ServiceRevisionSummary.html, API_Rollback.html).
import { AwsError } from '../aws-error.ts';
import {
  type JsonBody,
  optionalArray,
  optionalNumber,
  optionalString,
  requiredString,
} from '../aws-json-protocol.ts';
import { epochSeconds } from '../http-util.ts';
import type { DeploymentSettings, HookAction } from './deployment-configuration.ts';
import { ECS_ARN_PREFIX, type LocalDeployment, type LocalService, type LocalTask } from './model.ts';

export type ServiceDeploymentStatus =
  | 'PENDING'
  | 'IN_PROGRESS'
  | 'SUCCESSFUL'
  | 'STOPPED'
  | 'STOP_REQUESTED'
  | 'ROLLBACK_REQUESTED'
  | 'ROLLBACK_IN_PROGRESS'
  | 'ROLLBACK_SUCCESSFUL'
  | 'ROLLBACK_FAILED';

/**
 * ServiceDeploymentLifecycleStage, in the order a BLUE_GREEN, LINEAR or CANARY deployment goes through
 * them (API_ServiceDeployment.html lifecycleStage; RECONCILE_SERVICE "only happens when you start a new
 * service deployment with more than 1 service revision in an ACTIVE state").
 */
export const LIFECYCLE_STAGES = [
  'RECONCILE_SERVICE',
  'PRE_SCALE_UP',
  'SCALE_UP',
  'POST_SCALE_UP',
  'TEST_TRAFFIC_SHIFT',
  'POST_TEST_TRAFFIC_SHIFT',
  'PRODUCTION_TRAFFIC_SHIFT',
  'POST_PRODUCTION_TRAFFIC_SHIFT',
  'BAKE_TIME',
  'CLEAN_UP',
] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];

/** A PAUSE hook waiting at a stage (API_DeploymentLifecycleHookDetail.html). */
export interface LifecycleHookDetail {
  hookId: string;
  stage: LifecycleStage;
  status: 'AWAITING_ACTION' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT';
  expiresAt: Date;
  timeoutAction: HookAction;
}

export interface LocalServiceDeployment {
  arn: string;
  serviceArn: string;
  clusterArn: string;
  createdAt: Date;
  startedAt: Date;
  updatedAt: Date;
  finishedAt?: Date;
  stoppedAt?: Date;
  status: ServiceDeploymentStatus;
  statusReason?: string;
  /** The configuration the deployment runs with (a snapshot: a later UpdateService does not change it). */
  settings: DeploymentSettings;
  circuitBreaker: { enable: boolean; rollback: boolean };
  targetDeploymentId: string;
  targetRevisionArn: string;
  sources: { deploymentId: string; revisionArn: string }[];
  /** BLUE_GREEN, LINEAR and CANARY only. */
  lifecycleStage?: LifecycleStage;
  stageEnteredAt: Date;
  /** The traffic shift's blue (production before) and green (new tasks) target groups. */
  blueTargetGroupArn?: string;
  greenTargetGroupArn?: string;
  /** The production percentage the green revision has been given so far, and when the next step is due. */
  greenPercent: number;
  greenTestPercent: number;
  nextShiftAt?: Date;
  /** A StopServiceDeployment (or failed alarm / hook) waiting for the scheduler's next tick. */
  requestedRollback?: string;
  rollback?: { reason: string; startedAt: Date; serviceRevisionArn: string };
  alarms?: {
    status: 'DISABLED' | 'MONITORING' | 'MONITORING_COMPLETE' | 'TRIGGERED';
    triggeredAlarmNames: string[];
  };
  hooks: LifecycleHookDetail[];
}

const TERMINAL: ServiceDeploymentStatus[] = [
  'SUCCESSFUL',
  'STOPPED',
  'ROLLBACK_SUCCESSFUL',
  'ROLLBACK_FAILED',
];
export const isFinished = (record: LocalServiceDeployment) => TERMINAL.includes(record.status);

const shortId = () => crypto.randomUUID().replaceAll('-', '').slice(0, 22);

export function newServiceRevisionArn(service: { clusterName: string; name: string }): string {
  return `${ECS_ARN_PREFIX}:service-revision/${service.clusterName}/${service.name}/${Date.now()}${Math.floor(Math.random() * 1e6)}`;
}

/** Records the service deployment that `deployment` starts; older unfinished ones are replaced (STOPPED). */
export function startServiceDeployment(
  service: LocalService,
  deployment: LocalDeployment,
): LocalServiceDeployment {
  const now = new Date();
  for (const older of service.serviceDeployments.filter((record) => !isFinished(record))) {
    older.status = 'STOPPED';
    older.statusReason = `Replaced by a newer service deployment (deployment ${deployment.id}).`;
    older.stoppedAt = now;
    older.finishedAt = now;
    older.updatedAt = now;
  }
  const sources = service.deployments
    .filter(
      (other) =>
        other !== deployment &&
        service.tasks.some((task) => task.deploymentId === other.id && task.desiredStatus === 'RUNNING'),
    )
    .map((other) => ({ deploymentId: other.id, revisionArn: other.serviceRevisionArn }));
  const record: LocalServiceDeployment = {
    arn: `${ECS_ARN_PREFIX}:service-deployment/${service.clusterName}/${service.name}/${shortId()}`,
    serviceArn: service.arn,
    clusterArn: service.clusterArn,
    createdAt: now,
    startedAt: now,
    updatedAt: now,
    status: 'IN_PROGRESS',
    settings: structuredClone(service.deploymentSettings),
    circuitBreaker: { ...service.circuitBreaker },
    targetDeploymentId: deployment.id,
    targetRevisionArn: deployment.serviceRevisionArn,
    sources,
    stageEnteredAt: now,
    greenPercent: 0,
    greenTestPercent: 0,
    hooks: [],
    ...(service.deploymentSettings.alarms?.enable
      ? { alarms: { status: 'MONITORING', triggeredAlarmNames: [] } }
      : {}),
  };
  deployment.serviceDeploymentArn = record.arn;
  service.serviceDeployments.unshift(record);
  if (service.serviceDeployments.length > 50) service.serviceDeployments.length = 50;
  return record;
}

/**
 * Lets `ms` of ECS time pass at once for the waits of `service`'s in-flight service deployments: the
 * current stage's bake (BAKE_TIME counts from stageEnteredAt), the wait before the next production
 * step (canary and linear step bakes, nextShiftAt) and pending lifecycle hooks' timeouts. Each wait
 * then ends on the scheduler's next tick exactly as it ends when the time passes on the clock: a test
 * that has seen what it needs of a step does not sleep through the rest of it.
 */
export function elapseWaits(service: LocalService, ms: number): void {
  const earlier = (date: Date) => new Date(date.getTime() - ms);
  for (const record of service.serviceDeployments.filter((r) => !isFinished(r))) {
    record.stageEnteredAt = earlier(record.stageEnteredAt);
    if (record.nextShiftAt) record.nextShiftAt = earlier(record.nextShiftAt);
    for (const hook of record.hooks)
      if (hook.status === 'AWAITING_ACTION') hook.expiresAt = earlier(hook.expiresAt);
  }
}

export function recordOf(
  service: LocalService,
  deployment: LocalDeployment,
): LocalServiceDeployment | undefined {
  return service.serviceDeployments.find((record) => record.arn === deployment.serviceDeploymentArn);
}

export function finish(
  record: LocalServiceDeployment,
  status: ServiceDeploymentStatus,
  reason?: string,
): void {
  const now = new Date();
  record.status = status;
  if (reason) record.statusReason = reason;
  record.updatedAt = now;
  record.finishedAt = now;
  if (status === 'STOPPED') record.stoppedAt = now;
  if (record.alarms && record.alarms.status === 'MONITORING') record.alarms.status = 'MONITORING_COMPLETE';
}

function revisionSummary(
  service: LocalService,
  deploymentId: string,
  revisionArn: string,
  weights: { production: number; test: number },
): JsonBody {
  const deployment = service.deployments.find((candidate) => candidate.id === deploymentId);
  const tasks = service.tasks.filter((task: LocalTask) => task.deploymentId === deploymentId);
  return {
    arn: revisionArn,
    requestedTaskCount: deployment && deployment.status !== 'INACTIVE' ? deployment.desiredCount : 0,
    runningTaskCount: tasks.filter((task) => task.lastStatus === 'RUNNING').length,
    pendingTaskCount: tasks.filter(
      (task) => task.lastStatus === 'PENDING' || task.lastStatus === 'PROVISIONING',
    ).length,
    requestedProductionTrafficWeight: weights.production,
    requestedTestTrafficWeight: weights.test,
  };
}

const timed = (field: string, date: Date | undefined) => (date ? { [field]: epochSeconds(date) } : {});

/** DescribeServiceDeployments' ServiceDeployment. */
export function describeServiceDeployment(service: LocalService, record: LocalServiceDeployment): JsonBody {
  const shifting = record.lifecycleStage !== undefined;
  const sourceProduction = shifting ? 100 - record.greenPercent : 0;
  const sourceTest = shifting ? 100 - record.greenTestPercent : 0;
  return {
    serviceDeploymentArn: record.arn,
    serviceArn: record.serviceArn,
    clusterArn: record.clusterArn,
    createdAt: epochSeconds(record.createdAt),
    startedAt: epochSeconds(record.startedAt),
    updatedAt: epochSeconds(record.updatedAt),
    ...timed('finishedAt', record.finishedAt),
    ...timed('stoppedAt', record.stoppedAt),
    sourceServiceRevisions: record.sources.map((source) =>
      revisionSummary(service, source.deploymentId, source.revisionArn, {
        production: sourceProduction,
        test: sourceTest,
      }),
    ),
    targetServiceRevision: revisionSummary(service, record.targetDeploymentId, record.targetRevisionArn, {
      production: shifting ? record.greenPercent : 100,
      test: shifting ? record.greenTestPercent : 100,
    }),
    status: record.status,
    ...(record.statusReason ? { statusReason: record.statusReason } : {}),
    ...(record.lifecycleStage ? { lifecycleStage: record.lifecycleStage } : {}),
    ...(record.hooks.length > 0
      ? {
          lifecycleHookDetails: record.hooks.map((hook) => ({
            hookId: hook.hookId,
            targetType: 'PAUSE',
            status: hook.status,
            expiresAt: epochSeconds(hook.expiresAt),
            timeoutAction: hook.timeoutAction,
          })),
        }
      : {}),
    deploymentConfiguration: {
      strategy: record.settings.strategy,
      maximumPercent: record.settings.maximumPercent,
      minimumHealthyPercent: record.settings.minimumHealthyPercent,
      deploymentCircuitBreaker: { ...record.circuitBreaker },
      ...(record.settings.bakeTimeInMinutes !== undefined
        ? { bakeTimeInMinutes: record.settings.bakeTimeInMinutes }
        : {}),
      ...(record.settings.canaryConfiguration
        ? { canaryConfiguration: { ...record.settings.canaryConfiguration } }
        : {}),
      ...(record.settings.linearConfiguration
        ? { linearConfiguration: { ...record.settings.linearConfiguration } }
        : {}),
      ...(record.settings.alarms ? { alarms: { ...record.settings.alarms } } : {}),
    },
    ...(record.rollback
      ? {
          rollback: {
            reason: record.rollback.reason,
            startedAt: epochSeconds(record.rollback.startedAt),
            serviceRevisionArn: record.rollback.serviceRevisionArn,
          },
        }
      : {}),
    deploymentCircuitBreaker: {
      status:
        record.circuitBreaker.enable && record.settings.strategy === 'ROLLING'
          ? isFinished(record)
            ? 'MONITORING_COMPLETE'
            : 'MONITORING'
          : 'DISABLED',
      failureCount: service.deployments.find((d) => d.id === record.targetDeploymentId)?.failedTasks ?? 0,
      threshold: 0,
    },
    alarms: record.alarms
      ? {
          status: record.alarms.status,
          alarmNames: [...(record.settings.alarms?.alarmNames ?? [])],
          triggeredAlarmNames: [...record.alarms.triggeredAlarmNames],
        }
      : { status: 'DISABLED' },
  };
}

/** ListServiceDeployments' ServiceDeploymentBrief. */
function brief(record: LocalServiceDeployment): JsonBody {
  return {
    serviceDeploymentArn: record.arn,
    serviceArn: record.serviceArn,
    clusterArn: record.clusterArn,
    createdAt: epochSeconds(record.createdAt),
    startedAt: epochSeconds(record.startedAt),
    ...timed('finishedAt', record.finishedAt),
    targetServiceRevisionArn: record.targetRevisionArn,
    status: record.status,
    ...(record.statusReason ? { statusReason: record.statusReason } : {}),
  };
}

const STATUSES: ServiceDeploymentStatus[] = [
  'PENDING',
  'IN_PROGRESS',
  'SUCCESSFUL',
  'STOPPED',
  'STOP_REQUESTED',
  'ROLLBACK_REQUESTED',
  'ROLLBACK_IN_PROGRESS',
  'ROLLBACK_SUCCESSFUL',
  'ROLLBACK_FAILED',
];

/**
 * ListServiceDeployments: newest first, filtered by `status`, paged by maxResults (default and maximum
 * 100) and nextToken (API_ListServiceDeployments.html).
 */
export function listServiceDeployments(service: LocalService, input: JsonBody): JsonBody {
  const statuses = (optionalArray(input, 'status') ?? []).map(String);
  const unknown = statuses.find((status) => !STATUSES.includes(status as ServiceDeploymentStatus));
  if (unknown)
    throw new AwsError('InvalidParameterException', `Invalid status ${unknown}: use ${STATUSES.join(', ')}`);
  const maxResults = optionalNumber(input, 'maxResults') ?? 100;
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 100)
    throw new AwsError('InvalidParameterException', 'maxResults must be between 1 and 100');
  const start = Number(optionalString(input, 'nextToken') ?? '0');
  if (!Number.isInteger(start) || start < 0)
    throw new AwsError('InvalidParameterException', 'Invalid nextToken');
  const matching = service.serviceDeployments.filter(
    (record) => statuses.length === 0 || statuses.includes(record.status),
  );
  const page = matching.slice(start, start + maxResults);
  const end = start + page.length;
  return {
    serviceDeployments: page.map(brief),
    ...(end < matching.length ? { nextToken: String(end) } : {}),
  };
}

export function findServiceDeployment(
  services: LocalService[],
  arn: string,
): { service: LocalService; record: LocalServiceDeployment } | undefined {
  for (const service of services) {
    const record = service.serviceDeployments.find((candidate) => candidate.arn === arn);
    if (record) return { service, record };
  }
  return undefined;
}

/** DescribeServiceDeployments: "You can specify a maximum of 20 ARNs"; unknown ones are failures (MISSING). */
export function describeServiceDeployments(services: LocalService[], input: JsonBody): JsonBody {
  const arns = (optionalArray(input, 'serviceDeploymentArns') ?? []).map(String);
  if (arns.length === 0 || arns.length > 20)
    throw new AwsError('InvalidParameterException', 'serviceDeploymentArns must list between 1 and 20 ARNs');
  const serviceDeployments: JsonBody[] = [];
  const failures: JsonBody[] = [];
  for (const arn of arns) {
    const found = findServiceDeployment(services, arn);
    if (found) serviceDeployments.push(describeServiceDeployment(found.service, found.record));
    else failures.push({ arn, reason: 'MISSING' });
  }
  return { serviceDeployments, failures };
}

/**
 * StopServiceDeployment with stopType ROLLBACK ("The valid values are ROLLBACK"; "You can use this option
 * even if you didn't configure the service deployment for the rollback option"). PENDING and IN_PROGRESS
 * move to ROLLBACK_REQUESTED and the rollback starts; STOP_REQUESTED and ROLLBACK_* continue; a finished
 * deployment cannot be stopped (ConflictException) ("Stopping Amazon ECS service deployments",
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stop-service-deployment.html).
 */
export function stopServiceDeployment(services: LocalService[], input: JsonBody): JsonBody {
  const arn = requiredString(input, 'serviceDeploymentArn');
  const stopType = optionalString(input, 'stopType') ?? 'ROLLBACK';
  if (stopType !== 'ROLLBACK')
    throw new AwsError(
      'InvalidParameterException',
      `stopType ${stopType} is not supported: the valid value is ROLLBACK.`,
    );
  const found = findServiceDeployment(services, arn);
  if (!found)
    throw new AwsError('ServiceDeploymentNotFoundException', `Service deployment ${arn} not found.`);
  const { record } = found;
  if (isFinished(record))
    throw new AwsError(
      'ConflictException',
      `Service deployment ${arn} is ${record.status}: only a PENDING or IN_PROGRESS deployment can be rolled back.`,
    );
  if (record.status === 'PENDING' || record.status === 'IN_PROGRESS') {
    record.status = 'ROLLBACK_REQUESTED';
    record.requestedRollback = 'Rolled back by a StopServiceDeployment request.';
    record.updatedAt = new Date();
  }
  return { serviceDeploymentArn: arn };
}

/**
 * ContinueServiceDeployment: acts on a PAUSE hook that awaits action, CONTINUE (the default) or ROLLBACK
 * (API_ContinueServiceDeployment.html; the hookId is in lifecycleHookDetails).
 */
export function continueServiceDeployment(services: LocalService[], input: JsonBody): JsonBody {
  const arn = requiredString(input, 'serviceDeploymentArn');
  const hookId = requiredString(input, 'hookId');
  const action = optionalString(input, 'action') ?? 'CONTINUE';
  if (action !== 'CONTINUE' && action !== 'ROLLBACK')
    throw new AwsError('InvalidParameterException', `action must be CONTINUE or ROLLBACK, not ${action}.`);
  const found = findServiceDeployment(services, arn);
  if (!found)
    throw new AwsError('ServiceDeploymentNotFoundException', `Service deployment ${arn} not found.`);
  const hook = found.record.hooks.find((candidate) => candidate.hookId === hookId);
  if (!hook)
    throw new AwsError(
      'InvalidParameterException',
      `No lifecycle hook ${hookId} in service deployment ${arn}.`,
    );
  if (hook.status !== 'AWAITING_ACTION')
    throw new AwsError(
      'ConflictException',
      `Lifecycle hook ${hookId} is ${hook.status}, not AWAITING_ACTION.`,
    );
  hook.status = action === 'CONTINUE' ? 'SUCCEEDED' : 'FAILED';
  if (action === 'ROLLBACK' && found.record.status === 'IN_PROGRESS') {
    found.record.status = 'ROLLBACK_REQUESTED';
    found.record.requestedRollback = `Rolled back by ContinueServiceDeployment at the ${hook.stage} lifecycle hook.`;
  }
  found.record.updatedAt = new Date();
  return { serviceDeploymentArn: arn };
}
