// Judging one ECS deployment from what the service shows now: completed, failed, or still going. Pure:
// the wait step (runtime/rollout/wait.ts) observes ECS, asks this, and acts on the verdict.
//
// AWS: a deployment starts IN_PROGRESS, becomes COMPLETED at steady state, and FAILED when the circuit
// breaker stops it; rolloutState is only returned for the rolling update (ECS) deployment type
// (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Deployment.html, rolloutState). With the
// breaker's rollback on, ECS rolls the service back to the last COMPLETED deployment by itself
// (API_DeploymentCircuitBreaker.html), so another revision becomes PRIMARY.
import { type FailureReason, Reason } from './reasons.ts';
import type { LiveDeployment } from './types.ts';

export interface DeploymentWatch {
  /** The revision whose deployment is awaited. */
  taskDefinitionArn: string;
  /** The service's deployments as ECS describes them now. */
  deployments: readonly LiveDeployment[];
  /** An earlier look already saw our deployment (ECS may list it only a moment after UpdateService). */
  seenBefore: boolean;
  /**
   * We stopped the deployment (the strategy gate's StopServiceDeployment): a deployment stopped before
   * it ever showed in a look is gone for good once another revision is PRIMARY, not "not listed yet".
   */
  stopped?: boolean;
  /** How long the wait has lasted, against its limit. */
  waitedMs: number;
  timeoutSeconds: number;
}

export type DeploymentVerdict =
  | { kind: 'completed' }
  /** Look again later; `seen`: our deployment has shown up (now or before). */
  | { kind: 'waiting'; seen: boolean }
  | {
      kind: 'failed';
      reason: FailureReason;
      message: string;
      /** The service's PRIMARY already runs another revision (ECS rolled back by itself, or a replacement). */
      movedOn?: string;
    };

export function judgeDeployment(watch: DeploymentWatch): DeploymentVerdict {
  const verdict = judgeNow(watch);
  if (verdict.kind !== 'waiting' || watch.waitedMs < watch.timeoutSeconds * 1000) return verdict;
  return {
    kind: 'failed',
    reason: Reason.RolloutTimeout,
    message: `the deployment of ${watch.taskDefinitionArn} did not complete within ${watch.timeoutSeconds}s`,
  };
}

function judgeNow({
  taskDefinitionArn: arn,
  deployments,
  seenBefore,
  stopped,
}: DeploymentWatch): DeploymentVerdict {
  const primary = deployments.find((d) => d.status === 'PRIMARY');
  const ours =
    (primary?.taskDefinitionArn === arn ? primary : undefined) ??
    deployments.find((d) => d.taskDefinitionArn === arn && d.status !== 'INACTIVE');
  const movedOn = primary && primary.taskDefinitionArn !== arn ? primary.taskDefinitionArn : undefined;
  const moved = movedOn ? { movedOn } : {};
  if (!ours) {
    if (!seenBefore && !(stopped && movedOn)) return { kind: 'waiting', seen: false };
    return {
      kind: 'failed',
      reason: Reason.DeploymentReplaced,
      message: `the deployment of ${arn} was replaced by ${movedOn ?? 'another deployment'}`,
      ...moved,
    };
  }
  if (ours.rolloutState === 'FAILED') {
    return {
      kind: 'failed',
      reason: Reason.DeploymentFailed,
      message: ours.rolloutStateReason ?? `the deployment of ${arn} failed`,
      ...moved,
    };
  }
  if (ours.status === 'PRIMARY' && ours.rolloutState === 'COMPLETED') return { kind: 'completed' };
  // Without a rollout state (other deployment types): done when ours is the only deployment and full.
  if (
    ours.status === 'PRIMARY' &&
    ours.rolloutState === undefined &&
    deployments.filter((d) => d.status !== 'INACTIVE').length === 1 &&
    ours.runningCount >= ours.desiredCount
  )
    return { kind: 'completed' };
  if (movedOn && ours.status !== 'PRIMARY') {
    return {
      kind: 'failed',
      reason: Reason.DeploymentReplaced,
      message: `the deployment of ${arn} was replaced by ${movedOn}`,
      movedOn,
    };
  }
  return { kind: 'waiting', seen: true };
}
