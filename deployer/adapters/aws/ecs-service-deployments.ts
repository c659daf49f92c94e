// ECS service deployments for the strategy gate: the one in progress, described with its lifecycle stage,
// traffic split and a PAUSE hook awaiting action; StopServiceDeployment with ROLLBACK; ContinueServiceDeployment.
import {
  ContinueServiceDeploymentCommand,
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
  // lifecycleHookDetails: "hookId ... Use this value when calling ContinueServiceDeployment", status
  // AWAITING_ACTION while a PAUSE hook holds the deployment (API_DeploymentLifecycleHookDetail.html).
  const awaiting = found.lifecycleHookDetails?.find(
    (hook) => hook.targetType === 'PAUSE' && hook.status === 'AWAITING_ACTION' && hook.hookId,
  );
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
    ...(awaiting?.hookId && { awaitingHookId: awaiting.hookId }),
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

/**
 * ContinueServiceDeployment on a PAUSE hook awaiting action: CONTINUE "proceeds the deployment to the next
 * lifecycle stage", ROLLBACK "rolls back the service deployment to the previous service revision"; "the
 * pause hook must be in AWAITING_ACTION status" and the deployment IN_PROGRESS
 * (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContinueServiceDeployment.html,
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/continue-service-deployment.html).
 */
export async function continueServiceDeployment(
  client: ECSClient,
  input: { serviceDeploymentArn: string; hookId: string; action: 'CONTINUE' | 'ROLLBACK' },
  call: SendCall,
  signal: AbortSignal,
): Promise<void> {
  await call('ecs:ContinueServiceDeployment', () =>
    client.send(new ContinueServiceDeploymentCommand(input), { abortSignal: signal }),
  );
}
