// On failure: bring the previous revision back. When ECS's circuit breaker (or anyone) already moved
// the service to another revision, wait for that one instead of starting a second rollback.
import type { RolloutContext, StepOutcome } from './rollout-context.ts';
import type { AfterUpdate } from './update.ts';
import { waitForDeployment } from './wait.ts';

export interface RollbackResult {
  outcome: StepOutcome;
  /** The revision the service was rolled back to. */
  taskDefinitionArn?: string;
  /** True when ECS had already rolled back by itself. */
  byEcs: boolean;
}

export async function rollBack(
  ctx: RolloutContext,
  input: { failedArn: string; previousArn: string | undefined; timeoutSeconds: number },
): Promise<RollbackResult> {
  ctx.onStep('RollingBack');
  const { cluster, service } = ctx.service;
  const live = await ctx.ecs.describeService(cluster, service, ctx.signal);
  const primary =
    live.deployments.find((d) => d.status === 'PRIMARY')?.taskDefinitionArn ?? live.taskDefinitionArn;
  let target: string;
  let byEcs = false;
  let after: AfterUpdate | undefined;
  if (primary && primary !== input.failedArn) {
    target = primary;
    byEcs = true;
    ctx.log.info({ taskDefinitionArn: target }, 'ECS already rolled back; waiting for that deployment');
  } else if (input.previousArn) {
    target = input.previousArn;
    const mark = ctx.deploymentSignals?.mark(cluster, service) ?? 0;
    const answer = await ctx.ecs.updateService(cluster, service, target, ctx.signal);
    after = { mark, ...(answer && { live: answer }) }; // the wait's first look (update.ts)
    ctx.log.info({ taskDefinitionArn: target }, 'rolling back');
  } else {
    return {
      outcome: {
        ok: false,
        reason: 'DeploymentFailed',
        message: 'no previous revision known to roll back to',
      },
      byEcs,
    };
  }
  const outcome = await waitForDeployment(ctx, target, input.timeoutSeconds, 'RollingBack', undefined, after);
  return { outcome, taskDefinitionArn: target, byEcs };
}
