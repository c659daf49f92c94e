// Step 3: wait for the ECS deployment of one revision to finish. COMPLETED is success; FAILED means the
// deployment circuit breaker stopped it; no end within the time limit is a timeout.
import type { LiveService } from '../../domain/types.ts';
import type { RolloutContext, StepOutcome } from './rollout-context.ts';

export type WaitOutcome = StepOutcome & {
  /** When failed: the service's PRIMARY already runs another revision (ECS rolled back by itself). */
  movedOn?: string;
};

export async function waitForDeployment(
  ctx: RolloutContext,
  taskDefinitionArn: string,
  timeoutSeconds: number,
  step: 'Waiting' | 'RollingBack' = 'Waiting',
): Promise<WaitOutcome> {
  ctx.onStep(step);
  const deadline = ctx.clock.now().getTime() + timeoutSeconds * 1000;
  let seen = false;
  for (;;) {
    const live = await ctx.ecs.describeService(ctx.service.cluster, ctx.service.service, ctx.signal);
    ctx.onObserved(live);
    const outcome = judge(live, taskDefinitionArn, seen);
    if (outcome === 'seen') seen = true;
    else if (outcome !== 'pending') return outcome;
    if (ctx.clock.now().getTime() >= deadline) {
      return {
        ok: false,
        reason: 'RolloutTimeout',
        message: `the deployment of ${taskDefinitionArn} did not complete within ${timeoutSeconds}s`,
      };
    }
    await ctx.clock.sleep(ctx.waitPollMs, ctx.signal);
  }
}

function judge(live: LiveService, arn: string, seenBefore: boolean): WaitOutcome | 'pending' | 'seen' {
  const primary = live.deployments.find((d) => d.status === 'PRIMARY');
  const ours =
    (primary?.taskDefinitionArn === arn ? primary : undefined) ??
    live.deployments.find((d) => d.taskDefinitionArn === arn && d.status !== 'INACTIVE');
  const movedOn = primary && primary.taskDefinitionArn !== arn ? primary.taskDefinitionArn : undefined;
  if (!ours) {
    if (!seenBefore) return 'pending';
    return {
      ok: false,
      reason: 'DeploymentReplaced',
      message: `the deployment of ${arn} was replaced by ${movedOn ?? 'another deployment'}`,
      ...(movedOn ? { movedOn } : {}),
    };
  }
  if (ours.rolloutState === 'FAILED') {
    return {
      ok: false,
      reason: 'DeploymentFailed',
      message: ours.rolloutStateReason ?? `the deployment of ${arn} failed`,
      ...(movedOn ? { movedOn } : {}),
    };
  }
  if (ours.rolloutState === 'COMPLETED' && ours.status === 'PRIMARY') return { ok: true };
  // Without a rollout state (old deployment controllers): done when ours is the only deployment and full.
  if (
    ours.rolloutState === undefined &&
    ours.status === 'PRIMARY' &&
    live.deployments.filter((d) => d.status !== 'INACTIVE').length === 1 &&
    ours.runningCount >= ours.desiredCount
  )
    return { ok: true };
  if (movedOn && ours.status !== 'PRIMARY') {
    return {
      ok: false,
      reason: 'DeploymentReplaced',
      message: `the deployment of ${arn} was replaced by ${movedOn}`,
      movedOn,
    };
  }
  return 'seen';
}
