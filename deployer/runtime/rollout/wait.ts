// Step 3: wait for the ECS deployment of one revision to finish. This step only observes (describes the
// service) and acts (waits or returns); whether the deployment completed, failed, was replaced or timed
// out is decided by judgeDeployment (domain/judge-deployment.ts, pure). Between looks it waits for an
// ECS deployment event about the service (deployment-signals.ts), with a slow poll as the fallback for
// an event that never comes.
import { judgeDeployment } from '../../domain/judge-deployment.ts';
import type { RolloutContext, StepOutcome } from './rollout-context.ts';
import type { StrategyGate } from './strategy-gate.ts';

export type WaitOutcome = StepOutcome & {
  /** When failed: the service's PRIMARY already runs another revision (ECS rolled back by itself). */
  movedOn?: string;
};

export async function waitForDeployment(
  ctx: RolloutContext,
  taskDefinitionArn: string,
  timeoutSeconds: number,
  step: 'Waiting' | 'RollingBack' = 'Waiting',
  gate?: StrategyGate,
): Promise<WaitOutcome> {
  ctx.onStep(step);
  const startedAt = ctx.clock.now().getTime();
  let seenBefore = false;
  const { cluster, service } = ctx.service;
  for (;;) {
    // Marked before describing: an event that arrives while the describe runs still wakes the wait.
    const mark = ctx.deploymentSignals?.mark(cluster, service) ?? 0;
    // The strategy gate probes the new revision while ECS shifts traffic; once it stopped the deployment,
    // the wait goes on until ECS has moved back (the failed verdict), so no second rollback starts.
    const stoppedBy = gate ? await gate.check() : undefined;
    const live = await ctx.ecs.describeService(ctx.service.cluster, ctx.service.service, ctx.signal);
    ctx.onObserved(live);
    const verdict = judgeDeployment({
      taskDefinitionArn,
      deployments: live.deployments,
      seenBefore,
      waitedMs: ctx.clock.now().getTime() - startedAt,
      timeoutSeconds,
    });
    if (stoppedBy && verdict.kind !== 'waiting') {
      const movedOn = verdict.kind === 'failed' ? verdict.movedOn : undefined;
      return {
        ok: false,
        reason: 'StrategyProbeFailed',
        message: stoppedBy,
        ...(movedOn ? { movedOn } : {}),
      };
    }
    if (verdict.kind === 'completed') return { ok: true };
    if (verdict.kind === 'failed') {
      const { reason, message, movedOn } = verdict;
      return { ok: false, reason, message, ...(movedOn ? { movedOn } : {}) };
    }
    seenBefore = verdict.seen;
    ctx.waiting?.();
    const pollMs = gate ? Math.min(gate.pollMs, ctx.waitPollMs) : ctx.waitPollMs;
    if (ctx.deploymentSignals)
      await ctx.deploymentSignals.wait(cluster, service, mark, pollMs, ctx.clock, ctx.signal);
    else await ctx.clock.sleep(pollMs, ctx.signal);
  }
}
