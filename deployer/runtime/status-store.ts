// In-memory status of the deployer: a cache of what ECS and git say, rebuilt on start
// (rebuild-status.ts) and refreshed from ECS (status-refresh.ts). Every change notifies the subscribers
// (dashboard live updates) once per tick (status-listeners.ts). A service's record is never changed
// once stored (service-records.ts): a change stores a changed copy, so a snapshot shares the records.
import { driftOf, healthOf } from '../contract/service-health.ts';
import type {
  ConfigStatus,
  CurrentRollout,
  DeployerMode,
  DeployerStatus,
  DesiredStatus,
  FailedDigest,
  QueueStatus,
  RolloutRecord,
  ServiceEvent,
  ServiceStatus,
  SyncStatus,
} from '../contract/status-model.ts';
import { Reason } from '../domain/reasons.ts';
import type { ConfigError, LiveServiceEvent } from '../domain/types.ts';
import type { Clock } from '../ports.ts';
import {
  changing,
  newDeployerStatus,
  ServiceRecords,
  withEvents,
  withFailed,
  withRollout,
} from './service-records.ts';
import { StatusListeners } from './status-listeners.ts';

/** A sync status as a reconcile decides it; the store keeps `since`. */
type SyncVerdict = Omit<SyncStatus, 'since'>;

/** What a replica read from ECS about a rollout it does not run; absent fields are left as they are. */
export interface ObservedStatus {
  desired?: DesiredStatus;
  currentRollout?: CurrentRollout | null;
  sync?: SyncVerdict;
  rollout?: RolloutRecord;
  failed?: FailedDigest;
}

export { HISTORY_LIMITS } from './service-records.ts';

export type StatusListener = (status: DeployerStatus) => void;

export class StatusStore {
  readonly #clock: Clock;
  readonly #status: DeployerStatus;
  readonly #services = new ServiceRecords();
  readonly #listeners = new StatusListeners<DeployerStatus>();
  /** Services whose rollout runs in this process: their status here is fresher than ECS shows. */
  readonly #acting = new Set<string>();

  constructor(options: { mode: DeployerMode; version: string; clock: Clock }) {
    this.#clock = options.clock;
    this.#status = newDeployerStatus(options.mode, options.version, options.clock.now().toISOString());
  }

  /**
   * The status now: safe to keep, serialise or hand to another module, and never changed afterwards.
   * Its service records are the stored ones (frozen, shared): read them, never change them.
   */
  snapshot(): DeployerStatus {
    return {
      ...this.#status,
      config: this.config(),
      queue: { ...this.#status.queue },
      services: this.#services.list(),
    };
  }

  /** The service's stored record (frozen, shared, never changed afterwards): no copy per read. */
  service(name: string): ServiceStatus | undefined {
    return this.#services.get(name);
  }

  /** The config part of the status (a copy), without the services. */
  config(): ConfigStatus {
    const { config } = this.#status;
    return { ...config, errors: [...config.errors] };
  }

  names(): string[] {
    return [...this.#services.names()];
  }

  /** A live read of the remembered failed digests (the planner's input). */
  failedDigests(name: string): Set<string> {
    return new Set(this.#services.get(name)?.failedDigests.map((f) => f.digest));
  }

  subscribe(listener: StatusListener): () => void {
    return this.#listeners.add(listener);
  }

  /** The config source was read: what it holds now, whether or not it is applied. */
  configRead(revision: string): void {
    Object.assign(this.#status.config, { headRevision: revision, readAt: this.#clock.now().toISOString() });
    this.#changed();
  }

  configApplied(revision: string): void {
    Object.assign(this.#status.config, {
      revision,
      lastAppliedRevision: revision,
      lastAttemptedRevision: revision,
      errors: [],
    });
    this.#changed();
  }

  configRejected(revision: string, errors: ConfigError[]): void {
    Object.assign(this.#status.config, { lastAttemptedRevision: revision, errors });
    this.#changed();
  }

  /** The queue's last read message counts (no copy of the whole status). */
  queueCounts = (): QueueStatus => ({ ...this.#status.queue });

  queueStats(queue: QueueStatus): void {
    if (queue.visible === this.#status.queue.visible && queue.inFlight === this.#status.queue.inFlight)
      return;
    this.#status.queue = { ...queue };
    this.#changed();
  }

  /** Keeps exactly these services (others were removed from config), creating missing ones. */
  retainServices(names: readonly string[]): void {
    const keep = new Set(names);
    for (const name of this.#services.names()) if (!keep.has(name)) this.#services.delete(name);
    for (const name of names) this.#ensure(name);
    this.#changed();
  }

  remove(name: string): void {
    if (this.#services.delete(name)) this.#changed();
  }

  /**
   * Applies a change to one service (created if missing) and notifies once. `change` gets a copy of
   * the record (service-records.ts `changing`), stored in its place once changed.
   */
  update(name: string, change: (service: ServiceStatus) => void): void {
    const service = changing(this.#ensure(name));
    change(service);
    // Health and drift follow from the rest (service-health.ts): derived once per change, not per read.
    service.health = healthOf(service);
    service.drift = driftOf(service);
    this.#services.store(name, service);
    this.#changed();
  }

  // The writers of a service's sync status. Reconcile writes its verdict once, at its end
  // (`reconciled`); the others are moments that must show at once, not at the next reconcile, each
  // with one caller (test/unit/architecture/deployer-shape.test.ts holds every writer to its file).

  /** The end of a reconcile, whatever happened: its status verdict (if any), in one change. */
  reconciled(name: string, end: { sync?: SyncVerdict | undefined; suspended?: boolean | undefined }): void {
    this.update(name, (service) => {
      if (end.sync) this.#sync(service, end.sync);
      if (end.suspended !== undefined) service.suspended = end.suspended;
      service.lastReconciledAt = this.#clock.now().toISOString();
      service.currentRollout = null;
    });
    this.#acting.delete(name);
  }

  /** Whether a rollout of the service runs in this process (status-refresh.ts leaves it alone then). */
  acting(name: string): boolean {
    return this.#acting.has(name);
  }

  /**
   * What ECS shows of a rollout this process does not run (status-refresh.ts, observed-rollout.ts): in
   * flight (Progressing, with its phase) or finished (its verdict and record), so every replica shows it.
   */
  observed(name: string, seen: ObservedStatus): void {
    if (this.#acting.has(name)) return;
    this.update(name, (service) => {
      if (seen.desired) service.desired = seen.desired;
      if (seen.currentRollout !== undefined) service.currentRollout = seen.currentRollout;
      if (seen.sync) this.#sync(service, seen.sync);
      if (seen.rollout) this.#addRollout(service, seen.rollout);
      if (seen.failed) this.#rememberFailed(service, seen.failed);
    });
  }

  /**
   * Live progress: a rollout begins, it is the current one and the service is Progressing (one change).
   * A rollout lasts minutes; the dashboard shows it while it runs, reconcile's verdict ends it.
   */
  rolloutStarted(name: string, rollout: CurrentRollout, message: string): void {
    this.#acting.add(name);
    this.update(name, (service) => {
      service.currentRollout = rollout;
      this.#sync(service, { state: 'Progressing', reason: Reason.RolloutStarted, message });
    });
  }

  /**
   * Intake applied a config that changes this service: a Synced one no longer is until its reconcile
   * runs (which may wait, e.g. behind an SQS outage); other states already say it is not in sync.
   */
  configChanged(name: string, revision: string): void {
    if (this.#services.get(name)?.sync.state !== 'Synced') return;
    this.update(name, (service) =>
      this.#sync(service, {
        state: 'OutOfSync',
        reason: Reason.ConfigChanged,
        message: `config ${revision.slice(0, 12)} changed this service; its reconcile has not run yet`,
      }),
    );
  }

  /**
   * A suspension made through the API, or found on the live revision at start: shown at once (the
   * API answers now; a reconcile would only write the same verdict later).
   */
  suspensionShown(name: string, suspension: { reason: string; message: string }): void {
    this.update(name, (service) => {
      service.suspended = true;
      this.#sync(service, { state: 'Suspended', ...suspension });
    });
  }

  /** The rebuild at start could not read it: Unknown until a reconcile does (a verdict given meanwhile stands). */
  rebuildFailed(name: string, message: string): void {
    if (this.#services.has(name) && this.#services.get(name)?.sync.reason !== Reason.Observing) return;
    this.update(name, (service) =>
      this.#sync(service, { state: 'Unknown', reason: Reason.RebuildFailed, message }),
    );
  }

  #sync(service: ServiceStatus, verdict: SyncVerdict): void {
    const since = service.sync.state === verdict.state ? service.sync.since : this.#clock.now().toISOString();
    // A literal of the four fields: a spread and one more field made each an object plus a property array.
    service.sync = { state: verdict.state, reason: verdict.reason, message: verdict.message, since };
  }

  addRollout(name: string, record: RolloutRecord): void {
    this.update(name, (service) => this.#addRollout(service, record));
  }

  #addRollout(service: ServiceStatus, record: RolloutRecord): void {
    service.recentRollouts = withRollout(service.recentRollouts, record);
  }

  rememberFailedDigest(name: string, failed: FailedDigest): void {
    this.update(name, (service) => this.#rememberFailed(service, failed));
  }

  #rememberFailed(service: ServiceStatus, failed: FailedDigest): void {
    service.failedDigests = withFailed(service.failedDigests, failed);
  }

  forgetFailedDigests(name: string): void {
    this.update(name, (service) => {
      service.failedDigests = [];
    });
  }

  /**
   * A look at the service in ECS (a DescribeServices): `change` (task counts, live image) and the ECS
   * events not seen before, in one change; returns those events, oldest first (for logs). Nothing new
   * and no `change`: nothing changes (no copy, no notification).
   */
  looked(
    name: string,
    events: readonly (ServiceEvent | LiveServiceEvent)[],
    change?: (service: ServiceStatus) => void,
  ): ServiceEvent[] {
    const merged = withEvents(this.#services.get(name)?.events ?? [], events);
    if (!merged && !change) return [];
    this.update(name, (service) => {
      change?.(service);
      if (merged) service.events = merged.events;
    });
    return merged?.added ?? [];
  }

  #ensure(name: string): ServiceStatus {
    return this.#services.ensure(name, () => this.#clock.now().toISOString());
  }

  #changed(): void {
    this.#listeners.changed(() => this.snapshot());
  }
}
