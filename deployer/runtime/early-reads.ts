// Reads started for a reconcile that intake is queueing (an ECR push of a tracked tag): this process
// most likely receives that reconcile one SQS round trip later, and the reads it would start then
// (read-ahead.ts: images, the service, its revisions) are done by then. On the event path that is one
// AWS round trip fewer between the push and UpdateService (issue 17 goal e).
// A reconcile must act on reads taken after everything queued before it in its FIFO group was done,
// so early reads are used only when that cannot have made a difference:
// - taken by the next reconcile of the service in this process, with the same config object, within
//   MAX_AGE_MS of their start (a reconcile received later, e.g. behind a backlog, reads again);
// - no reconcile or resync settle of the service ran in this process since they started (the lock
//   was free when they started; any other use of the lock forgets them);
// - they show the service at rest: one deployment, PRIMARY, not IN_PROGRESS, and no revision of the
//   family with a running attempt (result InProgress). A rollout by another replica that could end
//   and free the group between the read and our reconcile would show there; one that starts after
//   the read must still finish (ECS deployment, verification) within MAX_AGE_MS, far shorter than a
//   deployment ("ECS Deployment State Change" COMPLETED only once the new tasks are healthy:
//   https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_service_events.html).
// Anything else reads again, as before. Early reads another replica's reconcile never takes expire.
import type { ServiceConfig } from '../domain/types.ts';
import type { Clock } from '../ports.ts';
import type { ServiceReads } from './read-ahead.ts';
import type { RecentRevision } from './rollout/recent-revisions.ts';

/** How long early reads stay usable: a few SQS round trips, far below any ECS deployment. */
const MAX_AGE_MS = 1_000;
/** Early reads in hand at most: in a storm of pushes the reconciles wait longer than MAX_AGE_MS anyway. */
const MAX_IN_HAND = 8;

interface Entry {
  config: ServiceConfig;
  startedAt: number;
  reads: Promise<{ reads: ServiceReads; recent: RecentRevision[] }>;
}

export class EarlyReads {
  static readonly MAX_AGE_MS = MAX_AGE_MS;
  readonly #clock: Clock;
  readonly #entries = new Map<string, Entry>();
  #used = 0;
  #discarded = 0;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Early reads a reconcile used / found unusable (for benchmarks and tests). */
  get counts(): { used: number; discarded: number } {
    return { used: this.#used, discarded: this.#discarded };
  }

  /** Starts `read` for this service unless early reads are already in hand for it (or too many are). */
  start(config: ServiceConfig, read: () => Promise<ServiceReads>): void {
    const now = this.#clock.now().getTime();
    for (const [name, entry] of this.#entries)
      if (now - entry.startedAt > MAX_AGE_MS) this.#drop(name, entry);
    if (this.#entries.has(config.name) || this.#entries.size >= MAX_IN_HAND) return;
    const reads = read().then(async (reads) => ({ reads, recent: await reads.history() }));
    reads.catch(() => undefined); // a failed early read only means the reconcile reads again
    this.#entries.set(config.name, { config, startedAt: now, reads });
  }

  /** Another use of the service's lock (a settle, a reconcile without them): they may be stale now. */
  forget(name: string): void {
    const entry = this.#entries.get(name);
    if (entry) this.#drop(name, entry);
  }

  /** The early reads of this service if still usable (see the top of the file), else undefined. */
  async take(config: ServiceConfig): Promise<ServiceReads | undefined> {
    const entry = this.#entries.get(config.name);
    if (!entry) return undefined;
    this.#entries.delete(config.name);
    const fresh = entry.config === config && this.#clock.now().getTime() - entry.startedAt <= MAX_AGE_MS;
    const answer = fresh ? await entry.reads.catch(() => undefined) : undefined;
    if (!answer || !atRest(answer.reads, answer.recent)) {
      this.#discarded += 1;
      return undefined;
    }
    this.#used += 1;
    const { recent } = answer;
    return { reads: answer.reads.reads, history: async () => recent };
  }

  #drop(name: string, entry: Entry): void {
    if (this.#entries.get(name) !== entry) return;
    this.#entries.delete(name);
    this.#discarded += 1;
  }
}

function atRest({ reads }: ServiceReads, recent: readonly RecentRevision[]): boolean {
  const [deployment, ...others] = reads.service.deployments;
  if (!deployment || others.length > 0) return false;
  if (deployment.status !== 'PRIMARY' || deployment.rolloutState === 'IN_PROGRESS') return false;
  // A revision registered for a rollout whose attempt has no outcome yet: someone may be rolling out.
  return !recent.some(
    (r) => r.record.rolloutId !== undefined && (r.record.result ?? 'InProgress') === 'InProgress',
  );
}
