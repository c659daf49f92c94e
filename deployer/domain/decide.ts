// Deciding what reconcile does for one service, from what it observed: the one place that decides
// (reconcile.ts observes, acts on the decision and writes status once; sync-verdict.ts says how a
// decision reads in the status). Pure: ECS and the registry are read by the caller, and a decision
// that needs the family's recent revisions asks for them.
import { type ApprovalRecord, readApproval } from './gates/approval.ts';
import { type GatedRollout, gateRollout } from './gates/gate-decision.ts';
import { planRollout } from './plan.ts';
import { type FailureReason, Reason } from './reasons.ts';
import { hasFailed, isRolloutOf, type RevisionRecord, type TaggedRevision } from './revision-tags.ts';
import { desiredSpec } from './rollout-id.ts';
import { shortDigest } from './short-digest.ts';
import { type Suspension, suspensionOf } from './suspension.ts';
import type { BlockedCause, ImageChoice, LiveImage, Plan, ServiceConfig, TaskDefinition } from './types.ts';

/** A failure the deployer remembers for a digest (status memory, or a revision's tags). */
export interface KnownFailure {
  digest: string;
  reason: string;
  failedAt: string;
  rolloutId: string;
  /** Why it failed, in words, e.g. `analysis failed: alarm … in ALARM; rolled back to …` (absent on
   * revisions written before messages were recorded). */
  message?: string;
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
  /** The clock's now: sync windows are judged at it (needed when the service has windows). */
  now?: Date;
  /** An approval or rejection made through this process's API, newer than the live revision's tag. */
  pendingApproval?: ApprovalRecord | undefined;
  /** Manual `sync --override-window`: start even when the sync windows are closed. */
  overrideWindow?: boolean;
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
  | GatedRollout
);

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
  const gate = gateRollout({
    config,
    plan,
    now: o.now,
    record: o.pendingApproval ?? readApproval(record.approval),
    overrideWindow: o.overrideWindow === true,
  });
  return { suspension, ...gate };
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
        message: `resumed rollback of ${shortDigest(live.digest)}`,
      },
    };
  return undefined;
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
    ...(newest.failureMessage ? { message: newest.failureMessage } : {}),
  };
}
