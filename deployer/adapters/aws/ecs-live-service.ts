// DescribeServices' Service as the deployer's LiveService: deployments with their rollout state, events,
// and how the service deploys (controller, deploymentConfiguration, alternate target groups).
import type { Deployment, Service } from '@aws-sdk/client-ecs';
import type { LiveDeploymentSettings } from '../../domain/rollout-strategy.ts';
import type { LiveDeployment, LiveService, RolloutState } from '../../domain/types.ts';

export function toLiveService(cluster: string, service: string, found: Service): LiveService {
  const deployments = (found.deployments ?? []).map(toLiveDeployment);
  const primary = deployments.find((d) => d.status === 'PRIMARY');
  return {
    cluster,
    service,
    status: found.status ?? 'UNKNOWN',
    desiredCount: found.desiredCount ?? 0,
    runningCount: found.runningCount ?? 0,
    pendingCount: found.pendingCount ?? 0,
    taskDefinitionArn: primary?.taskDefinitionArn ?? found.taskDefinition ?? '',
    deployments,
    events: (found.events ?? []).map((event) => ({
      id: event.id ?? '',
      createdAt: event.createdAt ?? new Date(0),
      message: event.message ?? '',
    })),
    deploymentSettings: deploymentSettings(found),
  };
}

/**
 * How the service deploys: its controller ("ECS" when none was set: API_DeploymentController.html says
 * ECS is the default), its deploymentConfiguration as plain data, and which of its load balancers have an
 * alternate target group (loadBalancers[].advancedConfiguration, API_AdvancedConfiguration.html).
 */
function deploymentSettings(found: Service): LiveDeploymentSettings {
  return {
    controller: found.deploymentController?.type ?? 'ECS',
    configuration: structuredClone(
      found.deploymentConfiguration ?? {},
    ) as LiveDeploymentSettings['configuration'],
    loadBalancers: (found.loadBalancers ?? []).map((lb) => ({
      ...(lb.targetGroupArn && { targetGroupArn: lb.targetGroupArn }),
      ...(lb.advancedConfiguration?.alternateTargetGroupArn && {
        alternateTargetGroupArn: lb.advancedConfiguration.alternateTargetGroupArn,
      }),
    })),
  };
}

const ROLLOUT_STATES = new Set<string>(['IN_PROGRESS', 'COMPLETED', 'FAILED']);
const DEPLOYMENT_STATUSES = new Set<string>(['PRIMARY', 'ACTIVE', 'INACTIVE']);

function toLiveDeployment(deployment: Deployment): LiveDeployment {
  const live: LiveDeployment = {
    id: deployment.id ?? '',
    status: (DEPLOYMENT_STATUSES.has(deployment.status ?? '')
      ? deployment.status
      : 'INACTIVE') as LiveDeployment['status'],
    taskDefinitionArn: deployment.taskDefinition ?? '',
    desiredCount: deployment.desiredCount ?? 0,
    runningCount: deployment.runningCount ?? 0,
    failedTasks: deployment.failedTasks ?? 0,
    createdAt: deployment.createdAt ?? new Date(0),
    updatedAt: deployment.updatedAt ?? deployment.createdAt ?? new Date(0),
  };
  if (deployment.rolloutState && ROLLOUT_STATES.has(deployment.rolloutState)) {
    live.rolloutState = deployment.rolloutState as RolloutState;
  }
  if (deployment.rolloutStateReason) live.rolloutStateReason = deployment.rolloutStateReason;
  return live;
}
