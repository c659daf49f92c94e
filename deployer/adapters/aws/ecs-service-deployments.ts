// ECS service deployments for the strategy gate: the one in progress, described with its lifecycle stage
// and traffic split, and StopServiceDeployment with ROLLBACK.
import {
  DescribeServiceDeploymentsCommand,
  type ECSClient,
  ListServiceDeploymentsCommand,
  StopServiceDeploymentCommand,
} from '@aws-sdk/client-ecs';
import type { LiveServiceDeployment } from '../../domain/strategy-gate.ts';
import type { SendCall } from './ecs-stopped-tasks.ts';

/**
 * The newest PENDING or IN_PROGRESS service deployment
 * (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListServiceDeployments.html), described
 * with its lifecycleStage and the target revision's requested traffic weights
 * (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeServiceDeployments.html).
 */
export async function currentServiceDeployment(
  client: ECSClient,
  where: { cluster: string; service: string },
  call: SendCall,
  signal: AbortSignal,
): Promise<LiveServiceDeployment | undefined> {
  const listed = await call('ecs:ListServiceDeployments', () =>
    client.send(new ListServiceDeploymentsCommand({ ...where, status: ['PENDING', 'IN_PROGRESS'] }), {
      abortSignal: signal,
    }),
  );
  const arn = listed.serviceDeployments?.[0]?.serviceDeploymentArn;
  if (!arn) return undefined;
  const described = await call('ecs:DescribeServiceDeployments', () =>
    client.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] }), {
      abortSignal: signal,
    }),
  );
  const found = described.serviceDeployments?.[0];
  if (!found) return undefined;
  const target = found.targetServiceRevision;
  return {
    arn,
    status: found.status ?? 'UNKNOWN',
    ...(found.lifecycleStage && { lifecycleStage: found.lifecycleStage }),
    ...(target?.requestedProductionTrafficWeight !== undefined && {
      productionPercent: target.requestedProductionTrafficWeight,
    }),
    ...(target?.requestedTestTrafficWeight !== undefined && {
      testPercent: target.requestedTestTrafficWeight,
    }),
  };
}

/**
 * StopServiceDeployment with stopType ROLLBACK: "The rollback option rolls back the service deployment to
 * the previous service revision" (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_StopServiceDeployment.html).
 */
export async function rollBackServiceDeployment(
  client: ECSClient,
  serviceDeploymentArn: string,
  call: SendCall,
  signal: AbortSignal,
): Promise<void> {
  await call('ecs:StopServiceDeployment', () =>
    client.send(new StopServiceDeploymentCommand({ serviceDeploymentArn, stopType: 'ROLLBACK' }), {
      abortSignal: signal,
    }),
  );
}
