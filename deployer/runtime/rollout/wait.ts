// Step 3: wait for the ECS deployment of one revision to finish. This step only observes (polls
// DescribeServices) and acts (sleeps or returns); whether the deployment completed, failed, was
// replaced or timed out is decided by judgeDeployment (domain/judge-deployment.ts, pure).
import { judgeDeployment } from '../../domain/judge-deployment.ts';
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
  const startedAt = ctx.clock.now().getTime();
  let seenBefore = false;
  for (;;) {
    const live = await ctx.ecs.describeService(ctx.service.cluster, ctx.service.service, ctx.signal);
    ctx.onObserved(live);
    const verdict = judgeDeployment({
      taskDefinitionArn,
      deployments: live.deployments,
      seenBefore,
      waitedMs: ctx.clock.now().getTime() - startedAt,
      timeoutSeconds,
    });
    if (verdict.kind === 'completed') return { ok: true };
    if (verdict.kind === 'failed') {
      const { reason, message, movedOn } = verdict;
      return { ok: false, reason, message, ...(movedOn ? { movedOn } : {}) };
    }
    seenBefore = verdict.seen;
    await ctx.clock.sleep(ctx.waitPollMs, ctx.signal);
  }
}
