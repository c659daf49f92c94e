// Keeps this replica's status as complete as any other's, from ECS, without polling it while nothing
// moves (issue 17 items 4 and 7): live state in bulk (DescribeServices, 10 services a call), live
// revisions' tags through the cache by ARN, and again from ECS while they may move. Another replica's
// rollout shows with its phase and verdict (observed-rollout.ts). What is looked at, and when:
// - a service this process is rolling out: never (StatusStore.acting: its own view is fresher);
// - an ECS deployment event that reaches this replica: that service at once (soon());
// - a rollout this replica saw in flight and does not run: every ACTIVE_REFRESH_MS until it ends;
// - everything, every ACTIVE_REFRESH_MS while another replica works (the queue shows it for free: messages
//   in flight this replica does not hold; a rollout keeps its message until it ends), else every
//   IDLE_REFRESH_MS (the fallback).
// Paced by its own budget of ECS calls (shared/rate-limiter.ts), split among the replicas: a pass over n
// services costs ceil(n / 10) DescribeServices plus one DescribeTaskDefinition per service in motion.
import type { Logger } from 'pino';
import { liveImageOf } from '../domain/task-definition.ts';
import type { LiveService, ServiceConfig } from '../domain/types.ts';
import type { Clock, EcsPort } from '../ports.ts';
import { RateLimiter } from '../shared/rate-limiter.ts';
import { coalesced } from './coalesced.ts';
import { describeInBulk } from './describe-in-bulk.ts';
import type { DeployerMetrics } from './metrics.ts';
import { observeRollout, olderThanShown } from './observed-rollout.ts';
import { liveRevisions } from './refresh-revisions.ts';
import type { StatusStore } from './status-store.ts';

/** How often the refresh decides what to look at (an event's look does not wait for it). */
export const REFRESH_TICK_MS = 1_000;
/** Full passes while another replica works, and looks at a rollout seen in flight: replicas agree within it. */
export const ACTIVE_REFRESH_MS = 2_000;
/** Full passes when nothing is in flight anywhere: the fallback, as slow as the rollout wait's (WAIT_POLL_MS). */
export const IDLE_REFRESH_MS = 30_000;
/**
 * ECS calls a second the refreshes of all replicas may make per operation: a quarter of one deployer's
 * client budget (ECS_RATE_LIMIT, 20 a second), so reconciles and rollouts keep the rest.
 */
export const REFRESH_CALLS_PER_SECOND = 5;
const DESCRIBE_SERVICES_BATCH = 10;

/** How stale a replica's view of the others' work can be with `services` services: a pass, or the period. */
export function refreshPeriodMs(
  services: number,
  options: { periodMs?: number; callsPerSecond?: number; replicas?: number } = {},
): number {
  const calls = Math.ceil(services / DESCRIBE_SERVICES_BATCH);
  const perSecond = (options.callsPerSecond ?? REFRESH_CALLS_PER_SECOND) / Math.max(1, options.replicas ?? 1);
  return Math.max(options.periodMs ?? ACTIVE_REFRESH_MS, (calls / perSecond) * 1000);
}

export interface StatusRefreshDeps {
  /** The cache by ARN (describeTaskDefinition) with its `authoritative` twin that always asks ECS. */
  ecs: EcsPort & { authoritative: EcsPort };
  store: StatusStore;
  metrics: DeployerMetrics;
  clock: Clock;
  logger: Logger;
  /** The services in the config in force. */
  services: () => readonly ServiceConfig[];
  /** One of them by name, without a scan (service-index.ts); absent: found among services(). */
  named?: (name: string) => ServiceConfig | undefined;
  /** Judges services in bulk, writing verdicts ECS does not show (resync-pass.ts, no queueing); absent: never. */
  settle?: (services: readonly ServiceConfig[], signal: AbortSignal) => Promise<unknown>;
  settleIntervalMs?: number;
  /**
   * Whether another replica holds work in flight (the queue's in-flight count above this replica's
   * messages in hand). Absent: never (a single replica).
   */
  othersAtWork?: () => boolean;
  /** Replicas sharing the ECS budget (REPLICAS): each refreshes at its share. */
  replicas?: number;
  intervalMs?: number; // REFRESH_TICK_MS
  activeIntervalMs?: number;
  idleIntervalMs?: number;
  /** The budget of all replicas together (REFRESH_CALLS_PER_SECOND). */
  callsPerSecond?: number;
}

/** A replica judges every service itself at start, then rarely (DescribeImages per repository). */
export const SETTLE_INTERVAL_MS = 1_800_000;

export class StatusRefresh {
  readonly #deps: StatusRefreshDeps;
  readonly #limiter: RateLimiter;
  /** What each service showed at the last look (observed-rollout.ts fingerprint). */
  readonly #seen = new Map<string, string>();
  /** The revision of a rollout seen in flight: read once more when it ends, for its result. */
  readonly #following = new Map<string, string>();
  readonly #log: Logger;
  readonly #asked = new Set<string>(); // to look at: an ECS event named them, or a rollout is followed
  readonly #perSecond: number;
  /** The looks asked by events, one at a time: names asked meanwhile go in the next (coalesced). */
  #looking: Promise<void> | undefined;

  constructor(deps: StatusRefreshDeps) {
    this.#deps = deps;
    const perSecond = (deps.callsPerSecond ?? REFRESH_CALLS_PER_SECOND) / Math.max(1, deps.replicas ?? 1);
    this.#perSecond = perSecond;
    const { clock } = deps;
    this.#limiter = new RateLimiter({
      burst: Math.max(1, Math.ceil(perSecond)),
      perSecond,
      now: () => clock.now().getTime(),
      sleep: (ms, signal) => clock.sleep(ms, signal),
    });
    this.#log = deps.logger.child({ component: 'status-refresh' });
  }

  /**
   * Decides every tick on the Clock until `signal` aborts (the first at once) what to look at; a look
   * still running (paced by the budget) makes the next tick wait for it instead of starting another.
   */
  start(signal: AbortSignal): void {
    const { clock, store } = this.#deps;
    const activeMs = this.#deps.activeIntervalMs ?? ACTIVE_REFRESH_MS;
    const idleMs = this.#deps.idleIntervalMs ?? IDLE_REFRESH_MS;
    let settledAt = Number.NEGATIVE_INFINITY;
    let passedAt = Number.NEGATIVE_INFINITY;
    let wasActive = false;
    let followedAt = Number.NEGATIVE_INFINITY;
    const tick = async () => {
      let now = clock.now().getTime();
      if (this.#deps.settle && now - settledAt >= (this.#deps.settleIntervalMs ?? SETTLE_INTERVAL_MS)) {
        settledAt = now;
        await this.#deps.settle(
          this.#deps.services().filter((s) => !store.acting(s.name)),
          signal,
        );
        now = clock.now().getTime();
      }
      const active = this.#deps.othersAtWork?.() === true;
      if (active !== wasActive)
        this.#log.info({ active }, active ? 'another replica at work' : 'nothing in flight');
      wasActive = active;
      if (now - passedAt >= (active ? activeMs : idleMs)) {
        passedAt = now;
        followedAt = now;
        this.#asked.clear();
        return this.pass(signal);
      }
      if (this.#following.size > 0 && now - followedAt >= activeMs) {
        followedAt = now;
        for (const name of this.#following.keys()) this.#asked.add(name);
      }
      await this.#lookAtAsked(signal);
    };
    const once = coalesced(
      () =>
        tick().catch((error: unknown) => {
          if (!signal.aborted) this.#log.warn({ err: error }, 'status refresh failed; next pass');
        }),
      () => signal.aborted,
    );
    once();
    clock.every(this.#deps.intervalMs ?? REFRESH_TICK_MS, once, signal);
    const services = this.#deps.services().length;
    const periodMs = (ms: number) =>
      refreshPeriodMs(services, { periodMs: ms, callsPerSecond: this.#perSecond });
    this.#log.info(
      { services, callsPerSecond: this.#perSecond, activeMs: periodMs(activeMs), idleMs: periodMs(idleMs) },
      'status refresh from ECS started',
    );
  }

  /** Refreshes every service in the config that this process does not roll out (paced by the budget). */
  async pass(signal: AbortSignal): Promise<void> {
    await this.#refresh(this.#deps.services(), signal);
  }

  /**
   * An ECS event about this service reached this replica: look now, not at the next pass. Resolves once
   * it was looked at. A burst of events makes one look at a time, not one waiter per event.
   */
  soon(name: string, signal: AbortSignal): Promise<void> {
    if (this.#deps.store.acting(name)) return Promise.resolve(); // the rollout this process runs reads ECS itself
    this.#asked.add(name);
    this.#looking ??= (async () => {
      try {
        while (this.#asked.size > 0) await this.#lookAtAsked(signal);
      } finally {
        this.#looking = undefined;
      }
    })();
    return this.#looking;
  }

  /** The services asked for so far, 10 to a DescribeServices (events in a burst share calls). */
  async #lookAtAsked(signal: AbortSignal): Promise<void> {
    if (this.#asked.size === 0) return;
    const asked = [...this.#asked];
    this.#asked.clear();
    const { named, services } = this.#deps;
    const configs = named
      ? asked.flatMap((name) => named(name) ?? [])
      : services().filter((s) => asked.includes(s.name));
    await this.#refresh(configs, signal);
  }

  async #refresh(all: readonly ServiceConfig[], signal: AbortSignal): Promise<void> {
    const services = all.filter((s) => !this.#deps.store.acting(s.name));
    for (let i = 0; i < services.length; i += DESCRIBE_SERVICES_BATCH) {
      const batch = services.slice(i, i + DESCRIBE_SERVICES_BATCH);
      await this.#limiter.acquire('DescribeServices', signal);
      const live = await describeInBulk(this.#deps.ecs, batch, signal);
      await Promise.all(
        batch.map(async (config) => {
          const found = live.get(config.name);
          if (!found) return; // a reconcile reports a missing service, with the reason
          try {
            await this.#service(config, found, signal);
          } catch (error) {
            if (signal.aborted) throw error;
            this.#log.debug({ err: error, service: config.name }, 'could not refresh a service');
          }
        }),
      );
    }
  }

  async #service(config: ServiceConfig, live: LiveService, signal: AbortSignal): Promise<void> {
    const { store, metrics } = this.#deps;
    const name = config.name;
    const revisions = await liveRevisions(
      { ecs: this.#deps.ecs, limiter: this.#limiter },
      live,
      this.#following.get(name),
      signal,
    );
    const primary = revisions.get(live.taskDefinitionArn);
    const seen = observeRollout(config, live, revisions, this.#following.get(name));
    const before = this.#seen.get(name);
    // A finished rollout seen at the first look is the rebuild's (and the settle's) to show.
    const changed = before !== seen.fingerprint && (before !== undefined || seen.rolling !== undefined);
    this.#seen.set(name, seen.fingerprint);
    if (seen.rolling) this.#following.set(name, seen.rolling.arn);
    else this.#following.delete(name);
    if (store.acting(name)) return; // this process runs it: its own view is fresher
    const now = this.#deps.clock.now().toISOString();
    // One change: the live image, the task counts and the new ECS events (ids compared before any copy).
    store.looked(name, live.events, (service) => {
      const image = primary ? liveImageOf(primary.taskDefinition, config.container, primary.tags) : undefined;
      if (image && service.live?.taskDefinitionArn !== image.taskDefinitionArn)
        service.live = {
          image: image.image,
          taskDefinitionArn: image.taskDefinitionArn,
          ...(image.digest ? { digest: image.digest } : {}),
        };
      service.tasks = {
        desired: live.desiredCount,
        running: live.runningCount,
        pending: live.pendingCount,
        observedAt: now,
      };
    });
    if (!changed) return;
    const shown = store.service(name);
    if (seen.rolling) {
      const { rollout, sync } = seen.rolling;
      const desired = shown?.desired;
      store.observed(name, {
        currentRollout: rollout,
        sync,
        ...(desired && rollout.to.digest && desired.digest !== rollout.to.digest
          ? { desired: { ...desired, image: rollout.to.image, digest: rollout.to.digest } }
          : {}),
      });
      metrics.syncState(name, 'Progressing');
      metrics.rolloutStep(name, rollout.step);
    } else if (seen.finished && !olderThanShown(seen.finished.record, shown?.recentRollouts[0])) {
      const { record, sync, failed } = seen.finished;
      // Only a rollout this view put up is taken down (a manual rollback this process follows stays).
      const ours = shown?.currentRollout?.id === record.id || shown?.currentRollout === null;
      store.observed(name, {
        ...(ours ? { currentRollout: null } : {}),
        sync,
        rollout: record,
        ...(failed ? { failed } : {}),
      });
      metrics.syncState(name, sync.state);
      metrics.rolloutStep(name, undefined);
    }
  }
}
