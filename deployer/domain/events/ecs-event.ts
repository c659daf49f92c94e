// EventBridge events from ECS about a service, as `deployment-event` messages: the way a waiting rollout
// notices completion without polling. Shapes from the AWS documentation:
// - "ECS Deployment State Change": detail { eventType INFO|ERROR, eventName SERVICE_DEPLOYMENT_IN_PROGRESS
//   | SERVICE_DEPLOYMENT_COMPLETED | SERVICE_DEPLOYMENT_FAILED, deploymentId, updatedAt, reason }, the
//   service ARN in `resources`
//   (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_service_deployment_events.html);
// - "ECS Service Action": detail { eventType INFO|WARN|ERROR, eventName (SERVICE_STEADY_STATE,
//   SERVICE_TASK_START_IMPAIRED, ...), clusterArn, createdAt }, the service ARN in `resources`
//   (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_service_events.html).
// ECS "might add other event types, sources, and details in the future": unknown names pass as hints,
// other detail types are ignored with the reason. Only a value that is not an event is an error. The
// event never decides anything: the waiting rollout describes the service and judges what it reads.
import { DeployerError, err, ok, type Result } from '../errors.ts';
import type { QueueMessage } from '../types.ts';

export type DeploymentEvent = Extract<QueueMessage, { kind: 'deployment-event' }>;

export type EcsEventOutcome =
  | { kind: 'deployment-event'; message: DeploymentEvent }
  | { kind: 'ignored'; reason: string };

export const ECS_EVENT_SOURCE = 'aws.ecs';
export const ECS_DEPLOYMENT_STATE_CHANGE = 'ECS Deployment State Change';
export const ECS_SERVICE_ACTION = 'ECS Service Action';

/** Events that say a deployment may have ended: a waiting rollout looks at once. */
export const DEPLOYMENT_END_EVENTS = new Set(['SERVICE_DEPLOYMENT_COMPLETED', 'SERVICE_DEPLOYMENT_FAILED']);

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isText = (value: unknown): value is string => typeof value === 'string' && value.length > 0;
const show = (value: unknown): string =>
  typeof value === 'string' ? JSON.stringify(value.slice(0, 100)) : `(${typeof value})`;
// Names of clusters and services: letters, digits, hyphens and underscores, up to 255.
const NAME = /^[A-Za-z0-9_-]{1,255}$/;

/**
 * `arn:aws:ecs:<region>:<account>:service/<cluster>/<service>` (the long ARN format) or the old
 * `.../service/<service>`, whose cluster comes from `clusterArn` when the event has one.
 */
function serviceOf(arn: string, clusterArn: unknown): { cluster: string; service: string } | undefined {
  const match = /^arn:[^:]+:ecs:[^:]*:\d*:service\/(?:([^/]+)\/)?([^/]+)$/.exec(arn);
  if (!match) return undefined;
  const fromClusterArn = isText(clusterArn) ? clusterArn.slice(clusterArn.lastIndexOf('/') + 1) : undefined;
  const cluster = match[1] ?? fromClusterArn ?? '';
  const service = match[2] ?? '';
  if (!NAME.test(service) || (cluster !== '' && !NAME.test(cluster))) return undefined;
  return { cluster, service };
}

export function parseEcsEvent(event: unknown): Result<EcsEventOutcome> {
  if (!isObject(event))
    return err(new DeployerError('EVENT_INVALID', 'invalid EventBridge event: not a JSON object'));
  if (event.source !== ECS_EVENT_SOURCE)
    return ok({ kind: 'ignored', reason: `source ${show(event.source)} is not aws.ecs` });
  const detailType = event['detail-type'];
  if (detailType !== ECS_DEPLOYMENT_STATE_CHANGE && detailType !== ECS_SERVICE_ACTION)
    return ok({
      kind: 'ignored',
      reason: `ECS detail-type ${show(detailType)} is not about a service deployment`,
    });
  const detail = event.detail;
  if (!isObject(detail)) return ok({ kind: 'ignored', reason: `${detailType} without a detail object` });
  const name = detail.eventName;
  if (!isText(name)) return ok({ kind: 'ignored', reason: `${detailType} without an eventName` });
  const resources = Array.isArray(event.resources) ? event.resources : [];
  const arn = resources.find((r): r is string => typeof r === 'string' && r.includes(':service/'));
  const found = arn === undefined ? undefined : serviceOf(arn, detail.clusterArn);
  if (!found) return ok({ kind: 'ignored', reason: `${detailType} ${show(name)} names no service ARN` });
  const message: DeploymentEvent = {
    kind: 'deployment-event',
    ...found,
    event: name.slice(0, 100),
    at: isText(event.time) ? event.time : '',
  };
  if (isText(detail.deploymentId)) message.deploymentId = detail.deploymentId.slice(0, 100);
  if (isText(detail.reason)) message.reason = detail.reason.slice(0, 500);
  return ok({ kind: 'deployment-event', message });
}
