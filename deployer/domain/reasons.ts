// Every reason the status, the revision tags and the metrics give for a service's sync state: PascalCase,
// stable, machine-readable, defined here once (as Flux keeps its reasons in one file). docs/reasons.md
// explains each one; a test keeps that page and this file in step.
import type { ErrorCode } from './errors.ts';

export const Reason = {
  // Unknown
  /** Its live state is being read from ECS (the background rebuild at start). */
  Observing: 'Observing',
  NotReconciled: 'NotReconciled',
  RebuildFailed: 'RebuildFailed',
  // OutOfSync: a new config for the service is in force and its reconcile has not run yet
  ConfigChanged: 'ConfigChanged',
  // OutOfSync: a gate holds the rollout (domain/gates)
  PendingApproval: 'PendingApproval',
  OutsideWindow: 'OutsideWindow',
  // Progressing
  RolloutStarted: 'RolloutStarted',
  // Synced
  UpToDate: 'UpToDate',
  RolloutSucceeded: 'RolloutSucceeded',
  InvalidationPending: 'InvalidationPending',
  // Failed or Degraded: how a rollout ended (also the `ecs-gitops:reason` tag)
  DeploymentFailed: 'DeploymentFailed',
  DeploymentReplaced: 'DeploymentReplaced',
  RolloutTimeout: 'RolloutTimeout',
  VerifyTimeout: 'VerifyTimeout',
  VerifyWrongVersion: 'VerifyWrongVersion',
  /** The strategy gate's probe of a blue/green, canary or linear deployment failed; ECS rolled it back. */
  StrategyProbeFailed: 'StrategyProbeFailed',
  RollbackFailed: 'RollbackFailed',
  // Failed: nothing can be rolled out until something changes
  DigestBlocked: 'DigestBlocked',
  Rejected: 'Rejected',
  NoMatchingImage: 'NoMatchingImage',
  ForeignImage: 'ForeignImage',
  InvalidConfig: 'InvalidConfig',
  // Suspended
  Suspended: 'Suspended',
  SuspendedByApi: 'SuspendedByApi',
  ManualRollback: 'ManualRollback',
  // A reconcile failed with something that is not a DeployerError (a bug): retried.
  ReconcileError: 'ReconcileError',
} as const;

export type Reason = (typeof Reason)[keyof typeof Reason];

/** Why a rollout did not succeed. */
export type FailureReason =
  | typeof Reason.DeploymentFailed
  | typeof Reason.DeploymentReplaced
  | typeof Reason.RolloutTimeout
  | typeof Reason.VerifyTimeout
  | typeof Reason.VerifyWrongVersion
  | typeof Reason.StrategyProbeFailed;

/** A reconcile that failed with a DeployerError names its code: `SERVICE_NOT_FOUND` → `ServiceNotFound`. */
export function errorReason(code: ErrorCode): string {
  return code
    .toLowerCase()
    .split('_')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}
