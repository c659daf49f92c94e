// One service's status record as the status store keeps it (status-store.ts): a new one, the bounded
// histories it carries, and the copy-on-write step every change goes through.
// Records are never changed once stored: a change stores a changed copy (`changing`, then `sealed`).
// So a snapshot of the status (GET /status, the dashboard, the lifecycle feed's previous status) is the
// list of the records stored at that moment, shared instead of deep-copied (issue 17: a deep copy per
// /status at 10,000 services was ~18 MiB of garbage per request), and still never changes under its reader.
import type {
  DeployerMode,
  DeployerStatus,
  FailedDigest,
  RolloutRecord,
  ServiceEvent,
  ServiceStatus,
} from '../contract/status-model.ts';
import { laterFirst } from '../domain/iso-time.ts';
import { Reason } from '../domain/reasons.ts';
import type { LiveServiceEvent } from '../domain/types.ts';

/**
 * Kept per service, newest first. Events: the dashboard shows 10 of them (3 in view, the rest folded:
 * deployer/http/dashboard/service-tasks.ts) and the CLI 5; ECS answers up to 100 per DescribeServices,
 * and 50 kept per service were up to ~12 KB each, over 100 MiB at 10,000 services.
 */
export const HISTORY_LIMITS = { rollouts: 20, events: 10, failedDigests: 20 } as const;

/** The status of a deployer that has read nothing yet. */
export function newDeployerStatus(mode: DeployerMode, version: string, startedAt: string): DeployerStatus {
  return {
    mode,
    version,
    startedAt,
    config: {
      revision: null,
      lastAppliedRevision: null,
      lastAttemptedRevision: null,
      errors: [],
      headRevision: null,
      readAt: null,
    },
    queue: { visible: null, inFlight: null },
    services: [],
  };
}

export function newServiceStatus(name: string, now: string): ServiceStatus {
  return sealed({
    name,
    desired: null,
    live: null,
    sync: {
      state: 'Unknown',
      reason: Reason.Observing,
      message: 'observing: its live state is being read from ECS',
      since: now,
    },
    suspended: false,
    currentRollout: null,
    recentRollouts: [],
    failedDigests: [],
    events: [],
    lastReconciledAt: null,
    health: { state: 'Unknown', message: 'not reconciled yet' },
    drift: { state: 'Unknown', message: 'not reconciled yet' },
    tasks: null,
  });
}

/**
 * The copy a change writes to: its own top level, and its own current rollout, the one nested object
 * the writers change in place (a rollout's step and progress: rollout/run-rollout.ts). Every other
 * field is replaced, never changed, by the writers.
 */
export function changing(service: ServiceStatus): ServiceStatus {
  const copy = { ...service };
  if (service.currentRollout) copy.currentRollout = { ...service.currentRollout };
  return copy;
}

/** Frozen at the top and in its lists: a reader that changes a shared record fails loudly, not silently. */
export function sealed(service: ServiceStatus): ServiceStatus {
  Object.freeze(service.recentRollouts);
  Object.freeze(service.failedDigests);
  Object.freeze(service.events);
  return Object.freeze(service);
}

/** `record` first, the others after it without an earlier record of the same id, bounded. */
export function withRollout(recent: readonly RolloutRecord[], record: RolloutRecord): RolloutRecord[] {
  return [record, ...recent.filter((r) => r.id !== record.id)].slice(0, HISTORY_LIMITS.rollouts);
}

export function withFailed(failed: readonly FailedDigest[], digest: FailedDigest): FailedDigest[] {
  return [digest, ...failed.filter((f) => f.digest !== digest.digest)].slice(0, HISTORY_LIMITS.failedDigests);
}

/**
 * The events not among `known` that make the newest HISTORY_LIMITS.events (oldest first, for the log),
 * and the kept list with them (newest first); undefined when none is new, so an unchanged look changes
 * nothing. ECS answers up to 100 events: older ones than the kept would otherwise be "new" at every look.
 * Events as ECS answers them (a Date) are compared by id first: only a new one is copied.
 */
export function withEvents(
  known: readonly ServiceEvent[],
  events: readonly (ServiceEvent | LiveServiceEvent)[],
): { added: ServiceEvent[]; events: ServiceEvent[] } | undefined {
  const ids = new Set(known.map((e) => e.id));
  const unseen = events.filter((e) => !ids.has(e.id)).map(statusEvent);
  if (unseen.length === 0) return undefined;
  const kept = [...known, ...unseen]
    .sort((a, b) => laterFirst(a.createdAt, b.createdAt))
    .slice(0, HISTORY_LIMITS.events);
  const added = unseen.filter((e) => kept.includes(e));
  if (added.length === 0) return undefined;
  return { added: added.sort((a, b) => laterFirst(b.createdAt, a.createdAt)), events: kept };
}

function statusEvent(event: ServiceEvent | LiveServiceEvent): ServiceEvent {
  if (!isLive(event)) return event;
  return { id: event.id, createdAt: event.createdAt.toISOString(), message: event.message };
}

const isLive = (event: ServiceEvent | LiveServiceEvent): event is LiveServiceEvent =>
  typeof event.createdAt !== 'string';

/** The stored records by name, and their names in order (kept until one is added or removed). */
export class ServiceRecords {
  readonly #records = new Map<string, ServiceStatus>();
  #sorted: string[] | undefined;

  get(name: string): ServiceStatus | undefined {
    return this.#records.get(name);
  }

  has(name: string): boolean {
    return this.#records.has(name);
  }

  /** The stored record, a new one stored first when there is none. */
  ensure(name: string, now: () => string): ServiceStatus {
    const found = this.#records.get(name);
    if (found) return found;
    const created = newServiceStatus(name, now());
    this.#records.set(name, created);
    this.#sorted = undefined;
    return created;
  }

  /** Stores a changed copy (`changing`) in the place of the record, sealed. */
  store(name: string, record: ServiceStatus): void {
    if (!this.#records.has(name)) this.#sorted = undefined;
    this.#records.set(name, sealed(record));
  }

  delete(name: string): boolean {
    if (!this.#records.delete(name)) return false;
    this.#sorted = undefined;
    return true;
  }

  /** The names in order: the caller must not change the array. */
  names(): readonly string[] {
    this.#sorted ??= [...this.#records.keys()].sort();
    return this.#sorted;
  }

  /** The records, by name in order. */
  list(): ServiceStatus[] {
    return this.names().map((name) => this.#records.get(name) as ServiceStatus);
  }
}
