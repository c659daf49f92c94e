// Pure: two consecutive status snapshots in, the lifecycle events between them out. The status store
// coalesces changes into one snapshot per tick, so the rules compare states, never count changes:
// - started: a current rollout appears (or a different one replaces it);
// - finished (succeeded / failed / rolled-back): a rollout record is settled in `next` but was not in
//   `prev`. Settled means the service left Progressing (or no rollout runs): a rolled-back rollout
//   is recorded before ECS is read back and the sync message written, and the message is wanted.
//   Records older than the deployer itself (rebuilt from ECS tags on start) are history, not news;
// - interrupted: the current rollout went away (or was replaced) without a settled record of it: a
//   reconcile error or a stop cut it short, and whoever showed it as running must hear it ended;
// - blocked: the sync reason changes to one that needs a person (a failed digest, no image, ...);
// - config-rejected: a new config revision was attempted and rejected.
import type {
  CurrentRollout,
  DeployerStatus,
  RolloutRecord,
  RolloutResult,
  ServiceStatus,
} from '../contract/status-model.ts';
import { Reason } from '../domain/reasons.ts';
import type { LifecycleEvent, RolloutFinished, RolloutInterrupted } from './lifecycle-event.ts';

/** Sync reasons (reconcile.ts) meaning "nothing will happen until someone changes something". */
export const BLOCKED_REASONS: ReadonlySet<string> = new Set([
  'DigestBlocked',
  'NoMatchingImage',
  'ForeignImage',
  'InvalidConfig',
]);

const FINISHED_KIND: Record<RolloutResult, RolloutFinished['kind']> = {
  Succeeded: 'succeeded',
  Failed: 'failed',
  RolledBack: 'rolled-back',
};

export function diffStatus(prev: DeployerStatus, next: DeployerStatus): LifecycleEvent[] {
  const events: LifecycleEvent[] = [];
  const before = new Map(prev.services.map((s) => [s.name, s]));
  for (const service of next.services) {
    const old = before.get(service.name);
    events.push(...rolloutEvents(old, service, next));
    const blocked = blockedEvent(old, service);
    if (blocked) events.push(blocked);
  }
  const { config } = next;
  if (
    config.errors.length > 0 &&
    config.lastAttemptedRevision !== null &&
    config.lastAttemptedRevision !== config.revision &&
    (config.lastAttemptedRevision !== prev.config.lastAttemptedRevision || prev.config.errors.length === 0)
  ) {
    events.push({
      kind: 'config-rejected',
      revision: config.lastAttemptedRevision,
      errors: config.errors,
    });
  }
  return events;
}

function rolloutEvents(
  old: ServiceStatus | undefined,
  service: ServiceStatus,
  next: DeployerStatus,
): LifecycleEvent[] {
  const events: LifecycleEvent[] = [];
  const current = service.currentRollout;
  const previous = old?.currentRollout;
  const settledBefore = new Set(old ? reportedRecords(old).map(recordKey) : []);
  const interrupted = interruptedEvent(previous ?? null, service, settledBefore);
  if (interrupted) events.push(interrupted);
  if (current && (previous?.id !== current.id || previous.startedAt !== current.startedAt)) {
    events.push({
      kind: 'started',
      service: service.name,
      rolloutId: current.id,
      from: current.from,
      to: current.to,
      configRevision: next.config.revision,
      at: current.startedAt,
    });
  }
  const startedAt = Date.parse(next.startedAt);
  // Oldest first, so a burst reads in the order it happened.
  for (const record of [...settledRecords(service)].reverse()) {
    if (settledBefore.has(recordKey(record))) continue;
    if (Date.parse(record.finishedAt) < startedAt) continue;
    events.push({
      kind: FINISHED_KIND[record.result],
      service: service.name,
      rollout: record,
      message: speaksOf(service, record) ? service.sync.message : finishedMessage(record),
      at: record.finishedAt,
    });
  }
  return events;
}

/** Why a rollout without an outcome ended when the reconcile left no verdict of its own (a stop). */
const STOPPED = {
  reason: 'RolloutInterrupted',
  message: 'the deployer stopped during the rollout; the next reconcile resumes it',
} as const;

function interruptedEvent(
  previous: CurrentRollout | null,
  service: ServiceStatus,
  settledBefore: ReadonlySet<string>,
): RolloutInterrupted | undefined {
  const current = service.currentRollout;
  if (!previous || (current?.id === previous.id && current.startedAt === previous.startedAt))
    return undefined;
  const settled = settledRecords(service).some(
    (record) =>
      record.id === previous.id &&
      !settledBefore.has(recordKey(record)) &&
      Date.parse(record.finishedAt) >= Date.parse(previous.startedAt),
  );
  if (settled) return undefined;
  const { sync } = service;
  const why =
    current !== null
      ? { reason: 'RolloutReplaced', message: `replaced by rollout ${current.id} before it finished` }
      : sync.reason === Reason.RolloutStarted
        ? STOPPED
        : { reason: sync.reason, message: sync.message };
  return {
    kind: 'interrupted',
    service: service.name,
    rolloutId: previous.id,
    to: previous.to,
    ...why,
    at: sync.since,
  };
}

/** Newest first, like `recentRollouts`; none while a rollout of this service is still settling. */
function settledRecords(service: ServiceStatus): RolloutRecord[] {
  const settling = service.sync.state === 'Progressing' && service.currentRollout !== null;
  return settling ? [] : service.recentRollouts;
}

/**
 * Records already told about in `old`: all of them, except, while a rollout is settling, its own
 * record (its finish is told once the sync settles). Earlier rollouts' records are never news again.
 */
function reportedRecords(old: ServiceStatus): RolloutRecord[] {
  const settling = old.sync.state === 'Progressing' ? old.currentRollout?.id : undefined;
  return old.recentRollouts.filter((record) => record.id !== settling);
}

/** A retried rollout keeps its id (service, digest, config revision): its finish time tells it apart. */
function recordKey(record: RolloutRecord): string {
  return `${record.id}@${record.finishedAt}`;
}

function blockedEvent(old: ServiceStatus | undefined, service: ServiceStatus): LifecycleEvent | undefined {
  const { sync } = service;
  if (!BLOCKED_REASONS.has(sync.reason) || old?.sync.reason === sync.reason) return undefined;
  return {
    kind: 'blocked',
    service: service.name,
    reason: sync.reason,
    message: sync.message,
    at: sync.since,
  };
}

/** The sync message explains this rollout; an operator rollback's sync says what comes next instead. */
function speaksOf(service: ServiceStatus, record: RolloutRecord): boolean {
  return service.sync.reason === record.reason && record.reason !== 'ManualRollback';
}

function finishedMessage(record: RolloutRecord): string {
  const to = record.to.tag ?? record.to.digest?.slice(0, 19) ?? record.to.image;
  if (record.result === 'Succeeded') return `${to} is live`;
  if (record.reason === 'ManualRollback')
    return `rolled back to ${record.to.taskDefinitionArn ?? to} by an operator`;
  return `rollout of ${to} ended ${record.result} (${record.reason})`;
}
