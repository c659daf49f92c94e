// The ECS resource tags the deployer writes on task definition revisions, and the typed record they
// stand for. State lives in AWS: every replica and every restart reads a rollout's id, outcome and a
// runtime suspension back from these tags. This is the only file that knows the tag keys.
// ECS limits (API reference, Tag): 50 tags per resource, keys up to 128 and values up to 256 characters
// of letters, numbers, spaces and `_ . : / = + - @`. Every key here is fixed and valid; free text (a
// commit message, an author) goes through tag-text.ts; test/unit/domain/revision-tags.test.ts checks
// that the largest record this file can write stays within every limit.
import { type RolloutTrigger, TRIGGER_KINDS, type TriggerKind } from './rollout-trigger.ts';
import { decodeTagText, encodeTagText } from './tag-text.ts';

export const REVISION_TAG_KEYS = {
  // Written once, when the deployer registers a revision for a rollout.
  rolloutId: 'ecs-gitops:rollout-id',
  configRevision: 'ecs-gitops:config-revision',
  digest: 'ecs-gitops:digest',
  service: 'ecs-gitops:service',
  // Each attempt of the rollout and its outcome.
  result: 'ecs-gitops:result',
  reason: 'ecs-gitops:reason',
  startedAt: 'ecs-gitops:started-at',
  finishedAt: 'ecs-gitops:finished-at',
  /** Why a failed attempt failed, in words (free text); empty once an attempt succeeds. */
  failureMessage: 'ecs-gitops:failure-message',
  /** Revision that ran before: where an interrupted rollback resumes to. */
  previousArn: 'ecs-gitops:previous-task-definition',
  /** CDN invalidation after a verified rollout: Pending until CloudFront accepted it. */
  invalidation: 'ecs-gitops:cdn-invalidation',
  /** On the live revision: a runtime suspension (API suspend, manual rollback), or `resumed`. */
  suspended: 'ecs-gitops:suspended',
  /** The image tag the policy chose for this revision (its image is pinned by digest). */
  imageTag: 'ecs-gitops:image-tag',
  /** On the live revision: the newest approval or rejection, `Approved <digest> by <name>` (domain/gates/approval.ts). */
  approval: 'ecs-gitops:approval',
} as const;

/** What caused the rollout of a revision (rollout-trigger.ts), one tag per field; rewritten per attempt. */
export const TRIGGER_TAG_KEYS = {
  kind: 'ecs-gitops:trigger',
  commit: 'ecs-gitops:trigger-commit',
  author: 'ecs-gitops:trigger-author',
  message: 'ecs-gitops:trigger-message',
  repository: 'ecs-gitops:trigger-repository',
  tag: 'ecs-gitops:trigger-tag',
  token: 'ecs-gitops:trigger-token',
} as const satisfies Record<keyof RolloutTrigger, string>;

/** On a revision an operator rolled back to: the latest such rollback (a later one overwrites). */
export const RESTORED_TAG_KEYS = {
  at: 'ecs-gitops:restored-at',
  by: 'ecs-gitops:restored-by',
  from: 'ecs-gitops:restored-from',
} as const;

/** `InProgress` while an attempt runs; absent on revisions of older versions (read as running). */
export const REVISION_RESULTS = ['InProgress', 'Succeeded', 'Failed', 'RolledBack'] as const;
export type RevisionResult = (typeof REVISION_RESULTS)[number];

export const SUSPENSION_REASONS = ['SuspendedByApi', 'ManualRollback'] as const;
export type SuspensionReason = (typeof SUSPENSION_REASONS)[number];

export const INVALIDATION_STATES = ['Pending', 'Done'] as const;
export type InvalidationState = (typeof INVALIDATION_STATES)[number];

/** What a revision's tags say. Fields are absent when their tag is (or is not one of the values). */
export interface RevisionRecord {
  rolloutId?: string;
  configRevision?: string;
  digest?: string;
  service?: string;
  result?: RevisionResult;
  reason?: string;
  startedAt?: string;
  finishedAt?: string;
  failureMessage?: string;
  previousArn?: string;
  invalidation?: InvalidationState;
  /** A runtime suspension in force (a `resumed` tag reads as none). */
  suspended?: SuspensionReason;
  /** Raw approval tag; domain/gates/approval.ts reads it. */
  approval?: string;
  imageTag?: string;
  /** What caused the latest attempt (absent on revisions written before triggers were recorded). */
  trigger?: RolloutTrigger;
  /** The latest manual rollback to this revision. */
  restored?: RestoredRecord;
}

export interface RestoredRecord {
  at: string;
  /** The API token's name. */
  by?: string;
  /** The revision that ran before. */
  from?: string;
}

/** A revision of a family with what its tags record. */
export interface TaggedRevision {
  arn: string;
  record: RevisionRecord;
}

/** Fields to write; `suspended: 'resumed'` lifts a suspension recorded earlier. */
export type RevisionTagsPatch = Omit<RevisionRecord, 'suspended'> & {
  suspended?: SuspensionReason | 'resumed';
};

type PlainField = Exclude<keyof RevisionTagsPatch, 'trigger' | 'restored'>;

const RESUMED = 'resumed';
const FREE_TEXT: ReadonlySet<string> = new Set(['imageTag', 'failureMessage'] satisfies PlainField[]);

const oneOf = <T extends string>(values: readonly T[], value: string | undefined): T | undefined =>
  (values as readonly string[]).includes(value ?? '') ? (value as T) : undefined;

export function readRevisionTags(tags: Readonly<Record<string, string>>): RevisionRecord {
  const record: RevisionRecord = {};
  const text = {
    rolloutId: tags[REVISION_TAG_KEYS.rolloutId],
    configRevision: tags[REVISION_TAG_KEYS.configRevision],
    digest: tags[REVISION_TAG_KEYS.digest],
    service: tags[REVISION_TAG_KEYS.service],
    reason: tags[REVISION_TAG_KEYS.reason],
    startedAt: tags[REVISION_TAG_KEYS.startedAt],
    finishedAt: tags[REVISION_TAG_KEYS.finishedAt],
    previousArn: tags[REVISION_TAG_KEYS.previousArn],
    imageTag: decodeTagText(tags[REVISION_TAG_KEYS.imageTag] ?? ''),
    failureMessage: decodeTagText(tags[REVISION_TAG_KEYS.failureMessage] ?? ''),
    approval: tags[REVISION_TAG_KEYS.approval],
  };
  for (const [key, value] of Object.entries(text)) if (value) record[key as keyof typeof text] = value;
  const result = oneOf(REVISION_RESULTS, tags[REVISION_TAG_KEYS.result]);
  if (result) record.result = result;
  const invalidation = oneOf(INVALIDATION_STATES, tags[REVISION_TAG_KEYS.invalidation]);
  if (invalidation) record.invalidation = invalidation;
  const suspended = tags[REVISION_TAG_KEYS.suspended];
  // A value this version does not know still suspends: stopping is the safe reading.
  if (suspended && suspended !== RESUMED)
    record.suspended = oneOf(SUSPENSION_REASONS, suspended) ?? 'SuspendedByApi';
  const trigger = readTrigger(tags);
  if (trigger) record.trigger = trigger;
  const restoredAt = tags[RESTORED_TAG_KEYS.at];
  if (restoredAt) {
    const by = decodeTagText(tags[RESTORED_TAG_KEYS.by] ?? '');
    const from = tags[RESTORED_TAG_KEYS.from];
    record.restored = { at: restoredAt, ...(by ? { by } : {}), ...(from ? { from } : {}) };
  }
  return record;
}

function readTrigger(tags: Readonly<Record<string, string>>): RolloutTrigger | undefined {
  const kind = oneOf<TriggerKind>(TRIGGER_KINDS, tags[TRIGGER_TAG_KEYS.kind]);
  if (!kind) return undefined;
  const trigger: RolloutTrigger = { kind };
  for (const field of ['commit', 'author', 'message', 'repository', 'tag', 'token'] as const) {
    const value = decodeTagText(tags[TRIGGER_TAG_KEYS[field]] ?? '');
    if (value) trigger[field] = value;
  }
  return trigger;
}

/** The tags to write for the given fields (only those; ECS keeps the others on the revision). */
export function revisionTags(patch: RevisionTagsPatch): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const [key, value] of Object.entries(patch))
    if (typeof value === 'string')
      // An image tag (the registry's text) and a failure message are bounded and escaped like any free text.
      tags[REVISION_TAG_KEYS[key as PlainField]] = FREE_TEXT.has(key) ? encodeTagText(value) : value;
  if (patch.trigger) Object.assign(tags, triggerTags(patch.trigger));
  if (patch.restored) {
    tags[RESTORED_TAG_KEYS.at] = patch.restored.at;
    tags[RESTORED_TAG_KEYS.by] = encodeTagText(patch.restored.by ?? '');
    tags[RESTORED_TAG_KEYS.from] = patch.restored.from ?? '';
  }
  return tags;
}

/**
 * Every trigger tag, empty where the trigger has no such field: tags merge on a revision, and a retry
 * caused by something else must not keep the previous attempt's author or message.
 */
function triggerTags(trigger: RolloutTrigger): Record<string, string> {
  const tags: Record<string, string> = { [TRIGGER_TAG_KEYS.kind]: trigger.kind };
  for (const field of ['commit', 'author', 'message', 'repository', 'tag', 'token'] as const)
    tags[TRIGGER_TAG_KEYS[field]] = encodeTagText(trigger[field] ?? '');
  return tags;
}

/** Whether the deployer registered this revision for a rollout of `service`. */
export function isRolloutOf(
  record: RevisionRecord,
  service: string,
): record is RevisionRecord & { rolloutId: string; digest: string } {
  return record.rolloutId !== undefined && record.digest !== undefined && record.service === service;
}

/** A finished attempt that did not succeed. */
export function hasFailed(record: RevisionRecord): boolean {
  return record.result === 'Failed' || record.result === 'RolledBack';
}
