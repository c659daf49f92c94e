// Step 2: point the service at our revision, unless its PRIMARY deployment already uses it (a retry
// after a crash between update and wait must not start a second deployment). A revision registered
// moments ago cannot be deployed yet: then the service as the reconcile read it is enough (its
// deployment settings for the strategy plan) and the event path saves a DescribeServices. UpdateService
// answers with "the full description of your service following the update call"
// (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateService.html, Response Elements):
// the wait step's first look, one DescribeServices fewer per rollout.
import { DeployerError } from '../../domain/errors.ts';
import { planDeploymentConfiguration } from '../../domain/rollout-strategy.ts';
import { testTrafficHoldHook } from '../../domain/test-traffic-hold.ts';
import type { LiveService } from '../../domain/types.ts';
import type { RolloutContext } from './rollout-context.ts';

/** Where the wait step starts after an UpdateService: ECS events seen before it, and its answer. */
export interface AfterUpdate {
  /** DeploymentSignals.mark() taken before the call: an event about the new deployment wakes the wait. */
  mark: number;
  /** The service as UpdateService answered (absent: the wait describes it). */
  live?: LiveService;
}

export async function updateService(
  ctx: RolloutContext,
  taskDefinitionArn: string,
  /** Given when `taskDefinitionArn` was registered just now: the service as last read. */
  justRegistered?: LiveService,
): Promise<AfterUpdate | undefined> {
  ctx.onStep('Updating');
  const { cluster, service } = ctx.service;
  const live = justRegistered ?? (await ctx.ecs.describeService(cluster, service, ctx.signal));
  const primary = live.deployments.find((d) => d.status === 'PRIMARY');
  if ((primary?.taskDefinitionArn ?? live.taskDefinitionArn) === taskDefinitionArn) {
    ctx.log.info({ taskDefinitionArn }, 'service already deploys this revision; not updating again');
    return undefined;
  }
  const { strategy, rollback, timeoutSeconds } = ctx.service.rollout;
  // A blue/green judged through its test header waits at test traffic for the strategy gate's verdict.
  const hold = testTrafficHoldHook(strategy, ctx.service.verify !== undefined, timeoutSeconds);
  const plan = planDeploymentConfiguration(strategy, rollback, live.deploymentSettings, hold);
  // ECS would refuse the strategy (wrong controller, no alternate target group): a config problem, not a retry.
  if (!plan.ok) throw new DeployerError('STRATEGY_UNSUPPORTED', `${ctx.service.name}: ${plan.message}`);
  const { configuration } = plan;
  const mark = ctx.deploymentSignals?.mark(cluster, service) ?? 0;
  const answer = await ctx.ecs.updateService(cluster, service, taskDefinitionArn, ctx.signal, {
    ...(configuration && { deploymentConfiguration: configuration }),
  });
  ctx.log.info(
    { taskDefinitionArn, ...(configuration && { strategy: configuration.strategy }) },
    configuration ? 'service updated with its deployment strategy' : 'service updated',
  );
  return { mark, ...(answer && { live: answer }) };
}
