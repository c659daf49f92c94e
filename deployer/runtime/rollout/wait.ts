// Step 3: wait for the ECS deployment of one revision to finish. This step only observes (describes the
// service) and acts (waits or returns); whether the deployment completed, failed, was replaced or timed
// out is decided by judgeDeployment (domain/judge-deployment.ts, pure). Between looks it waits for an
// ECS deployment event about the service (deployment-signals.ts), with a slow poll as the fallback for
// an event that never comes. Right after an UpdateService its answer is the first look, and a
// SERVICE_DEPLOYMENT_COMPLETED naming our deployment ("sent ... once a service reaches a steady state
// after a deployment", https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_service_deployment_events.html)
// finishes the wait without another look (issue 17 item 4: "finish or fail a rollout on the event").
// A FAILED event, or a strategy gate that judges every look, still describes.
import { judgeDeployment } from '../../domain/judge-deployment.ts';
import type { RolloutContext, StepOutcome } from './rollout-context.ts';
import type { StrategyGate } from './strategy-gate.ts';
import type { AfterUpdate } from './update.ts';

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
  /** The UpdateService that started the deployment, just made: its answer is the first look. */
  after?: AfterUpdate,
): Promise<WaitOutcome> {
  ctx.onStep(step);
  const startedAt = ctx.clock.now().getTime();
  let seenBefore = false;
  const { cluster, service } = ctx.service;
  const signals = ctx.deploymentSignals;
  let first = after;
  /** ECS's id of the deployment of our revision (ecs-svc/...), once a look showed it. */
  let ours: string | undefined;
  for (;;) {
    // Marked before describing (or before the UpdateService answered): an event that arrives meanwhile
    // still wakes the wait.
    const mark = first?.mark ?? signals?.mark(cluster, service) ?? 0;
    // The strategy gate probes the new revision while ECS shifts traffic; once it stopped the deployment,
    // the wait goes on until ECS has moved back (the failed verdict), so no second rollback starts.
    const stoppedBy = gate ? await gate.check() : undefined;
    const live = first?.live ?? (await ctx.ecs.describeService(cluster, service, ctx.signal));
    first = undefined;
    ctx.onObserved(live);
    const verdict = judgeDeployment({
      taskDefinitionArn,
      deployments: live.deployments,
      seenBefore,
      stopped: stoppedBy !== undefined,
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
    const primary = live.deployments.find((d) => d.status === 'PRIMARY');
    if (primary?.taskDefinitionArn === taskDefinitionArn) ours = primary.id;
    ctx.waiting?.();
    const pollMs = gate ? Math.min(gate.pollMs, ctx.waitPollMs) : ctx.waitPollMs;
    if (!signals) {
      await ctx.clock.sleep(pollMs, ctx.signal);
      continue;
    }
    await signals.wait(cluster, service, mark, pollMs, ctx.clock, ctx.signal);
    if (!gate && ours && signals.completedSince(cluster, service, mark, ours)) return { ok: true };
  }
}
