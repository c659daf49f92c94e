// How a reconcile's outcome reads in a service's sync status (state, PascalCase reason, message): the
// pure mapping from a decision (decide.ts) or a finished rollout to what reconcile.ts writes once.
import type { Decision, KnownFailure } from './decide.ts';
import { RETRY_HINT } from './plan.ts';
import { Reason } from './reasons.ts';
import { shortDigest } from './short-digest.ts';
import type { BlockedCause, ServiceConfig } from './types.ts';

/** The state, reason and message a decision that acts no further leaves in the status. */
export interface SyncVerdict {
  state: 'Synced' | 'OutOfSync' | 'Progressing' | 'Degraded' | 'Failed' | 'Suspended' | 'Unknown';
  reason: string;
  message: string;
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
  decision: Extract<
    Decision,
    { kind: 'noop' | 'degraded' | 'blocked' | 'failed-before' | 'held' | 'rejected' }
  >,
  service: ServiceConfig,
): SyncVerdict {
  switch (decision.kind) {
    case 'noop':
      return { state: 'Synced', reason: Reason.UpToDate, message: decision.message };
    case 'degraded':
      return {
        state: 'Degraded',
        reason: decision.reason,
        message: `${service.name} runs ${shortDigest(decision.digest)}, whose rollout failed (${decision.reason}); push a fix or sync`,
      };
    case 'blocked': {
      const { suspension } = decision;
      if (decision.cause === 'suspended' && suspension && !service.suspended)
        return { state: 'Suspended', reason: suspension.reason, message: suspension.message };
      const { earlier } = decision;
      const message = earlier
        ? `${decision.message} (${earlier.reason} at ${earlier.failedAt}${why(earlier)})`
        : decision.message;
      return { ...BLOCKED[decision.cause], message };
    }
    case 'failed-before':
      return {
        state: 'Failed',
        reason: Reason.DigestBlocked,
        message: `${shortDigest(decision.plan.to.digest)} failed to roll out before (${decision.failure.reason}${why(decision.failure)}); ${RETRY_HINT(service.name)}`,
      };
    case 'held':
      return { state: 'OutOfSync', reason: decision.gate.reason, message: decision.gate.message };
    case 'rejected':
      return {
        state: 'Failed',
        reason: Reason.Rejected,
        message: `${shortDigest(decision.plan.to.digest)} was rejected by ${decision.by}; push a new image, or approve it to roll it out`,
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
    message: `${service.name} runs ${shortDigest(digest)}; its CDN invalidation failed: ${failure.message} ${next}`,
  };
}

/** The earlier failure's own words, kept in the blocked message: the "why" must outlive the rollback. */
function why(failure: KnownFailure): string {
  return failure.message ? `: ${failure.message}` : '';
}
