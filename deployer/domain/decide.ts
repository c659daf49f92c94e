// Deciding what reconcile does for one service, from what was observed. Pure.
import { hasFailed, isRolloutOf, type RevisionRecord, type SuspensionReason } from './revision-tags.ts';

export interface Suspension {
  reason: string;
  message: string;
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
): { reason: string; failedAt: string; rolloutId: string } | undefined {
  const newest = recent.find(
    ({ record }) => isRolloutOf(record, service) && record.digest === digest,
  )?.record;
  if (!newest || !hasFailed(newest)) return undefined;
  return {
    reason: newest.reason ?? 'DeploymentFailed',
    failedAt: newest.finishedAt ?? '',
    rolloutId: newest.rolloutId ?? '',
  };
}
