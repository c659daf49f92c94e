// Runs push → rollout cycles one after another on a WorldRuntime and records, per cycle:
// - detection latency: from the ECR push event being sent to the queue to the UpdateService call
//   arriving at the ECS stand-in (the deployment's createdAt, stamped by the stand-in's handler);
// - completion detection: from the stand-in marking that deployment COMPLETED (its updatedAt) to the
//   runtime leaving the Waiting step (first status notification after it, via subscribe()).
// Cycles are sequential so each push is a fresh rollout, never coalesced with the previous one, and
// start `settleMs` after the previous rollout finished (real pushes arrive minutes apart, not while
// the previous rollout's old task is still being stopped on the same two cores).
import type { PushResult } from '../../local/ecr/registry.ts';
import type { LocalDeployment } from '../../local/ecs/model.ts';
import type { WorldRuntime } from './world-runtime.ts';

export interface CycleSample {
  tag: string;
  /** Date.now() when the push event was sent to the queue. */
  sentAt: number;
  /** Date.now() when the stand-in created the deployment (handled UpdateService). */
  updateServiceAt: number;
  /** Date.now() when the stand-in marked the deployment COMPLETED. */
  completedAt: number;
  detectionMs: number;
  /** Push → the runtime received the image-push message (SQS delivery of the event). */
  intakeReceivedMs: number;
  /** Push → the runtime received the reconcile message intake queued for the service. */
  reconcileReceivedMs: number;
  completionNoticeMs: number;
  cycleMs: number;
}

export function deploymentFor(setup: WorldRuntime, digest: string): LocalDeployment | undefined {
  const arns = new Set(
    setup.world
      .taskDefinitions()
      .filter((definition) => definition.containerDefinitions.some((c) => c.image.endsWith(digest)))
      .map((definition) => definition.arn),
  );
  const service = setup.world.services().find((candidate) => candidate.name === 'actors');
  return service?.deployments.find((deployment) => arns.has(deployment.taskDefinitionArn));
}

export async function runRolloutCycles(
  setup: WorldRuntime,
  count: number,
  options: {
    settleMs?: number;
    onProgress?: (done: number) => void;
    /** How long one rollout may take (default 30 s). */
    rolloutTimeoutMs?: number;
    /** Started right after each push and awaited before the cycle ends (e.g. a baseline waiter). */
    alongside?: (pushed: PushResult) => Promise<void>;
  } = {},
): Promise<CycleSample[]> {
  const samples: CycleSample[] = [];
  // When the runtime last published a status in which the rollout is no longer Waiting.
  let leftWaitingAt: number | undefined;
  let watching: string | undefined;
  const unsubscribe = setup.runtime.subscribe((status) => {
    if (watching === undefined || leftWaitingAt !== undefined) return;
    const actors = status.services.find((service) => service.name === 'actors');
    const step = actors?.currentRollout?.to.digest === watching ? actors.currentRollout.step : undefined;
    if (step !== 'Waiting' && actors?.live?.digest === watching) leftWaitingAt = Date.now();
    else if (step !== undefined && step !== 'Waiting' && step !== 'Registering' && step !== 'Updating')
      leftWaitingAt = Date.now();
  });
  try {
    for (let index = 1; index <= count; index += 1) {
      await new Promise((resolve) => setTimeout(resolve, options.settleMs ?? 250));
      const tag = `1.1.${index}`;
      const sentAt = Date.now();
      leftWaitingAt = undefined;
      const pushed = await setup.world.push('actors', tag);
      watching = pushed.digest;
      const beside = options.alongside?.(pushed);
      await setup.until(
        (status) => status.live?.digest === pushed.digest && status.currentRollout === null,
        options.rolloutTimeoutMs,
      );
      await beside;
      const deployment = deploymentFor(setup, pushed.digest);
      if (!deployment) throw new Error(`no ECS deployment found for ${tag} (${pushed.digest})`);
      if (deployment.rolloutState !== 'COMPLETED')
        throw new Error(`deployment for ${tag} is ${deployment.rolloutState}, expected COMPLETED`);
      if (leftWaitingAt === undefined)
        throw new Error(`the runtime never reported leaving Waiting for ${tag}`);
      if (leftWaitingAt < deployment.updatedAt.getTime())
        throw new Error(`the runtime left Waiting for ${tag} before ECS reported the deployment COMPLETED`);
      const intake = setup.queue.firstReceive('image-push', sentAt);
      const reconcile = setup.queue.firstReceive('reconcile', intake?.at ?? sentAt);
      samples.push({
        tag,
        sentAt,
        updateServiceAt: deployment.createdAt.getTime(),
        completedAt: deployment.updatedAt.getTime(),
        detectionMs: deployment.createdAt.getTime() - sentAt,
        intakeReceivedMs: (intake?.at ?? Number.NaN) - sentAt,
        reconcileReceivedMs: (reconcile?.at ?? Number.NaN) - sentAt,
        completionNoticeMs: leftWaitingAt - deployment.updatedAt.getTime(),
        cycleMs: Date.now() - sentAt,
      });
      watching = undefined;
      options.onProgress?.(index);
    }
    return samples;
  } finally {
    unsubscribe();
  }
}
