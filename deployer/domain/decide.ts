// Deciding what reconcile does for one service, from what it observed: the one place that decides
// (reconcile.ts observes, acts on the decision and writes status once). Pure: ECS and the registry
// are read by the caller, and a decision that needs the family's recent revisions asks for them.
import { planRollout, RETRY_HINT } from './plan.ts';
import { type FailureReason, Reason } from './reasons.ts';
import {
  hasFailed,
  isRolloutOf,
  type RevisionRecord,
  type SuspensionReason,
  type TaggedRevision,
} from './revision-tags.ts';
import { desiredSpec } from './rollout-id.ts';
import type { BlockedCause, ImageChoice, LiveImage, Plan, ServiceConfig, TaskDefinition } from './types.ts';

export interface Suspension {
  reason: string;
  message: string;
}

/** A failure the deployer remembers for a digest (status memory, or a revision's tags). */
export interface KnownFailure {
  digest: string;
  reason: string;
  failedAt: string;
  rolloutId: string;
}

export interface Observation {
  config: ServiceConfig;
  choice: ImageChoice;
  repositoryUri: string;
  live: LiveImage;
  /** The live revision's task definition: the template of a new revision. */
  template: TaskDefinition;
  /** What the live revision's tags record. */
  record: RevisionRecord;
  /** A suspension made through this process's API and not yet recorded in ECS. */
  pendingSuspension: Suspension | undefined;
  /** Failed digests this process remembers (rebuilt from ECS at start). */
  failedDigests: readonly KnownFailure[];
  /** Manual sync: retry a digest that failed before, do not resume a rollback. */
  force: boolean;
  /** The family's newest revisions, newest first: read only when a decision asks for them. */
  recent?: readonly TaggedRevision[];
}

/** An interrupted attempt found on the live revision. */
export interface Interrupted {
  rolloutId: string;
  taskDefinitionArn: string;
  digest: string;
  previousArn: string | undefined;
  startedAt: string | undefined;
}

type RolloutPlan = Extract<Plan, { kind: 'rollout' }>;

type Resumption =
  | { kind: 'resume'; interrupted: Interrupted }
  | {
      kind: 'resume-rollback';
      interrupted: Interrupted;
      failure: { reason: FailureReason; message: string };
    };

export type Decision = { suspension: Suspension | undefined } & (
  | Resumption
  | { kind: 'invalidate'; rolloutId: string; taskDefinitionArn: string; message: string }
  | { kind: 'noop'; message: string }
  | { kind: 'degraded'; digest: string | undefined; reason: string }
  | { kind: 'blocked'; cause: BlockedCause; message: string; earlier?: KnownFailure | undefined }
  | { kind: 'read-history' }
  | { kind: 'failed-before'; plan: RolloutPlan; failure: KnownFailure }
  | { kind: 'rollout'; plan: RolloutPlan }
);

/** The state, reason and message a decision that acts no further leaves in the status. */
export interface SyncVerdict {
  state: 'Synced' | 'OutOfSync' | 'Progressing' | 'Degraded' | 'Failed' | 'Suspended' | 'Unknown';
  reason: string;
  message: string;
}

const short = (digest: string | undefined) => digest?.slice(0, 19) ?? 'an image without a digest';

export function decide(o: Observation): Decision {
  const { config, live, record } = o;
  const suspension = o.pendingSuspension ?? suspensionOf(record, live.taskDefinitionArn);
  const interrupted = interruptedWork(o);
  if (interrupted) return { suspension, ...interrupted };

  const plan = planRollout({
    service: config,
    desiredSpec: desiredSpec(config, o.template),
    choice: o.choice,
    repositoryUri: o.repositoryUri,
    live,
    failedDigests: new Set(o.failedDigests.map((f) => f.digest)),
    suspended: config.suspended || suspension !== undefined,
    force: o.force,
  });
  if (plan.kind === 'noop') {
    if (hasFailed(record))
      return {
        suspension,
        kind: 'degraded',
        digest: live.digest,
        reason: record.reason ?? Reason.DeploymentFailed,
      };
    if (record.invalidation === 'Pending' && record.rolloutId && config.cdn)
      return {
        suspension,
        kind: 'invalidate',
        rolloutId: record.rolloutId,
        taskDefinitionArn: live.taskDefinitionArn,
        message: plan.reason,
      };
    return { suspension, kind: 'noop', message: plan.reason };
  }
  if (plan.kind === 'blocked') {
    const digest = o.choice.ok ? o.choice.digest : undefined;
    const earlier =
      plan.cause === 'failed-digest' ? o.failedDigests.find((f) => f.digest === digest) : undefined;
    return { suspension, kind: 'blocked', cause: plan.cause, message: plan.reason, earlier };
  }
  // Another replica (or this one before a restart) may have seen this digest fail: ECS knows.
  if (o.recent === undefined) return { suspension, kind: 'read-history' };
  const failure = o.force ? undefined : earlierFailure(o.recent, config.name, plan.to.digest);
  if (failure) return { suspension, kind: 'failed-before', plan, failure };
  return { suspension, kind: 'rollout', plan };
}

/**
 * Work a crash interrupted shows on the live revision's record: our rollout id without a result
 * (resume at wait: no second registration, the invalidation reuses its CallerReference), or a
 * recorded failure whose rollback did not finish.
 */
function interruptedWork(o: Observation): Resumption | undefined {
  const { config, live, record, choice } = o;
  if (!isRolloutOf(record, config.name) || !live.digest) return undefined;
  const interrupted: Interrupted = {
    rolloutId: record.rolloutId,
    taskDefinitionArn: live.taskDefinitionArn,
    digest: live.digest,
    previousArn: record.previousArn,
    startedAt: record.startedAt,
  };
  const running = record.result === undefined || record.result === 'InProgress';
  if (running && choice.ok && choice.digest === live.digest) return { kind: 'resume', interrupted };
  if (record.result === 'Failed' && config.rollout.rollback && record.previousArn && !o.force)
    return {
      kind: 'resume-rollback',
      interrupted,
      failure: {
        reason: (record.reason ?? Reason.DeploymentFailed) as FailureReason,
        message: `resumed rollback of ${short(live.digest)}`,
      },
    };
  return undefined;
}

const BLOCKED: Record<BlockedCause, Pick<SyncVerdict, 'state' | 'reason'>> = {
  suspended: { state: 'Suspended', reason: Reason.Suspended },
  'failed-digest': { state: 'Failed', reason: Reason.DigestBlocked },
  'no-image': { state: 'Failed', reason: Reason.NoMatchingImage },
  'foreign-image': { state: 'Failed', reason: Reason.ForeignImage },
  'invalid-config': { state: 'Failed', reason: Reason.InvalidConfig },
};

/** The status of a decision that ends the reconcile without a rollout (pure mapping). */
export function statusOf(
  decision: Extract<Decision, { kind: 'noop' | 'degraded' | 'blocked' | 'failed-before' }>,
  service: ServiceConfig,
): SyncVerdict {
  switch (decision.kind) {
    case 'noop':
      return { state: 'Synced', reason: Reason.UpToDate, message: decision.message };
    case 'degraded':
      return {
        state: 'Degraded',
        reason: decision.reason,
        message: `${service.name} runs ${short(decision.digest)}, whose rollout failed (${decision.reason}); push a fix or sync`,
      };
    case 'blocked': {
      const { suspension } = decision;
      if (decision.cause === 'suspended' && suspension && !service.suspended)
        return { state: 'Suspended', reason: suspension.reason, message: suspension.message };
      const { earlier } = decision;
      const message = earlier
        ? `${decision.message} (${earlier.reason} at ${earlier.failedAt})`
        : decision.message;
      return { ...BLOCKED[decision.cause], message };
    }
    case 'failed-before':
      return {
        state: 'Failed',
        reason: Reason.DigestBlocked,
        message: `${short(decision.plan.to.digest)} failed to roll out before (${decision.failure.reason}); ${RETRY_HINT(service.name)}`,
      };
  }
}

/** How a finished rollout reads in the status: served, rolled back, or a failed revision left running. */
export function statusOfRollout(outcome: {
  result: 'Succeeded' | 'Failed' | 'RolledBack';
  reason: string;
  message: string;
}): SyncVerdict {
  const state =
    outcome.result === 'Succeeded' ? 'Synced' : outcome.result === 'RolledBack' ? 'Failed' : 'Degraded';
  return { state, reason: outcome.reason, message: outcome.message };
}

/**
 * A served rollout whose CDN invalidation failed: the deployment stands (Synced), the invalidation is
 * retried on its own: soon for a transient error, at the next reconcile for one that needs a change.
 */
export function statusOfInvalidation(
  service: ServiceConfig,
  digest: string,
  failure: { message: string; retryable: boolean },
): SyncVerdict {
  const next = failure.retryable
    ? '(retrying)'
    : `(retried at the next reconcile; check cdn in ${service.source.file})`;
  return {
    state: 'Synced',
    reason: Reason.InvalidationPending,
    message: `${service.name} runs ${short(digest)}; its CDN invalidation failed: ${failure.message} ${next}`,
  };
}

const SUSPENSION_MESSAGES: Record<SuspensionReason, string> = {
  SuspendedByApi: 'tracking suspended by API; resume it to deploy again',
  ManualRollback: 'rolled back by API; tracking is suspended until resume',
};

export function suspensionMessage(reason: SuspensionReason): string {
  return SUSPENSION_MESSAGES[reason];
}

/**
 * The runtime suspension a live revision's record holds, if any: the source of truth every replica
 * reads on each reconcile (a suspension made through another replica's API included).
 */
export function suspensionOf(record: RevisionRecord, taskDefinitionArn: string): Suspension | undefined {
  const reason = record.suspended;
  if (!reason) return undefined;
  const message =
    reason === 'ManualRollback'
      ? `rolled back by API to ${taskDefinitionArn}; tracking is suspended until resume`
      : SUSPENSION_MESSAGES[reason];
  return { reason, message };
}

/** The failure recorded on the newest revision of this service that rolled out `digest`, if any. */
export function earlierFailure(
  recent: readonly { record: RevisionRecord }[],
  service: string,
  digest: string,
): KnownFailure | undefined {
  const newest = recent.find(
    ({ record }) => isRolloutOf(record, service) && record.digest === digest,
  )?.record;
  if (!newest || !hasFailed(newest)) return undefined;
  return {
    digest,
    reason: newest.reason ?? Reason.DeploymentFailed,
    failedAt: newest.finishedAt ?? '',
    rolloutId: newest.rolloutId ?? '',
  };
}
