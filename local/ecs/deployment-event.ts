// The EventBridge "ECS Deployment State Change" event, as AWS delivers it to an SQS target: the service
// ARN in `resources`, detail { eventType, eventName, deploymentId, updatedAt, reason }
// (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_service_deployment_events.html:
// IN_PROGRESS "is sent for both initial deployments and rollback deployments", COMPLETED "once a service
// reaches a steady state after a deployment", FAILED "for services with deployment circuit breaker
// logic turned on", with eventType ERROR).
import { LOCAL_ECS_ACCOUNT, LOCAL_ECS_REGION, type LocalDeployment, type LocalService } from './model.ts';

export interface EcsDeploymentStateChangeEvent {
  version: '0';
  id: string;
  'detail-type': 'ECS Deployment State Change';
  source: 'aws.ecs';
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: {
    eventType: 'INFO' | 'ERROR';
    eventName:
      | 'SERVICE_DEPLOYMENT_IN_PROGRESS'
      | 'SERVICE_DEPLOYMENT_COMPLETED'
      | 'SERVICE_DEPLOYMENT_FAILED';
    deploymentId: string;
    updatedAt: string;
    reason: string;
  };
}

const EVENT_NAMES = {
  IN_PROGRESS: 'SERVICE_DEPLOYMENT_IN_PROGRESS',
  COMPLETED: 'SERVICE_DEPLOYMENT_COMPLETED',
  FAILED: 'SERVICE_DEPLOYMENT_FAILED',
} as const;

/** EventBridge times have whole seconds. */
const eventTime = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

export function deploymentStateChangeEvent(
  service: LocalService,
  deployment: LocalDeployment,
): EcsDeploymentStateChangeEvent {
  return {
    version: '0',
    id: crypto.randomUUID(),
    'detail-type': 'ECS Deployment State Change',
    source: 'aws.ecs',
    account: LOCAL_ECS_ACCOUNT,
    time: eventTime(new Date()),
    region: LOCAL_ECS_REGION,
    resources: [service.arn],
    detail: {
      eventType: deployment.rolloutState === 'FAILED' ? 'ERROR' : 'INFO',
      eventName: EVENT_NAMES[deployment.rolloutState],
      deploymentId: deployment.id,
      updatedAt: deployment.updatedAt.toISOString(),
      reason: deployment.rolloutStateReason,
    },
  };
}
