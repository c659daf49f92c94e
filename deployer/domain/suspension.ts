// A runtime suspension (tracking stopped through the API, or by a manual rollback) as the live
// revision's tags record it: every replica reads it there on each reconcile.
import type { RevisionRecord, SuspensionReason } from './revision-tags.ts';

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
