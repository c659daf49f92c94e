// Step 2: point the service at our revision, unless its PRIMARY deployment already uses it (a retry
// after a crash between update and wait must not start a second deployment). A revision registered
// moments ago cannot be deployed yet: then the service as the reconcile read it is enough (its
// deployment settings for the strategy plan) and the event path saves a DescribeServices.
import { DeployerError } from '../../domain/errors.ts';
import { planDeploymentConfiguration } from '../../domain/rollout-strategy.ts';
import { testTrafficHoldHook } from '../../domain/test-traffic-hold.ts';
import type { LiveService } from '../../domain/types.ts';
import type { RolloutContext } from './rollout-context.ts';

export async function updateService(
  ctx: RolloutContext,
  taskDefinitionArn: string,
  /** Given when `taskDefinitionArn` was registered just now: the service as last read. */
  justRegistered?: LiveService,
): Promise<boolean> {
  ctx.onStep('Updating');
  const { cluster, service } = ctx.service;
  const live = justRegistered ?? (await ctx.ecs.describeService(cluster, service, ctx.signal));
  const primary = live.deployments.find((d) => d.status === 'PRIMARY');
  if ((primary?.taskDefinitionArn ?? live.taskDefinitionArn) === taskDefinitionArn) {
    ctx.log.info({ taskDefinitionArn }, 'service already deploys this revision; not updating again');
    return false;
  }
  const { strategy, rollback, timeoutSeconds } = ctx.service.rollout;
  // A blue/green judged through its test header waits at test traffic for the strategy gate's verdict.
  const hold = testTrafficHoldHook(strategy, ctx.service.verify !== undefined, timeoutSeconds);
  const plan = planDeploymentConfiguration(strategy, rollback, live.deploymentSettings, hold);
  // ECS would refuse the strategy (wrong controller, no alternate target group): a config problem, not a retry.
  if (!plan.ok) throw new DeployerError('STRATEGY_UNSUPPORTED', `${ctx.service.name}: ${plan.message}`);
  const { configuration } = plan;
  await ctx.ecs.updateService(cluster, service, taskDefinitionArn, ctx.signal, {
    ...(configuration && { deploymentConfiguration: configuration }),
  });
  ctx.log.info(
    { taskDefinitionArn, ...(configuration && { strategy: configuration.strategy }) },
    configuration ? 'service updated with its deployment strategy' : 'service updated',
  );
  return true;
}
