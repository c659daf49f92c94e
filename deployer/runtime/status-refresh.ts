// Keeps this replica's status as complete as any other's: every service's live state is read from ECS
// in bulk (DescribeServices, 10 services a call), each live revision's tags through the cache by ARN
// (cached-task-definitions.ts), and a revision whose tags may move (a rollout in flight, its replaced
// deployment) again from ECS. A rollout another replica runs then shows here with its phase, and its end
// with its verdict and record (observed-rollout.ts): ECS and the tags the acting replica writes are the
// shared truth, so no other store is needed. The replica that runs a rollout keeps its own, richer view
// (StatusStore.acting).
// Paced by its own budget of ECS calls (shared/rate-limiter.ts): a pass over n services costs
// ceil(n / 10) DescribeServices plus one DescribeTaskDefinition per service in motion, so it lasts
// ceil(n / 10) / perSecond seconds when that is longer than the interval (refreshPeriodMs). An ECS
// deployment event that reaches this replica refreshes its service at once (soon()).
import type { Logger } from 'pino';
import { readRevisionTags } from '../domain/revision-tags.ts';
import { liveImageOf } from '../domain/task-definition.ts';
import type { LiveService, ServiceConfig } from '../domain/types.ts';
import type { Clock, DescribedTaskDefinition, EcsPort } from '../ports.ts';
import { RateLimiter } from '../shared/rate-limiter.ts';
import { coalesced } from './coalesced.ts';
import { describeInBulk } from './describe-in-bulk.ts';
import type { DeployerMetrics } from './metrics.ts';
import { observeRollout } from './observed-rollout.ts';
import { HISTORY_LIMITS, type StatusStore } from './status-store.ts';

/** The least time between two passes: the staleness of the status on a small installation. */
export const REFRESH_INTERVAL_MS = 1_000;
/**
 * ECS calls a second the refresh may make per operation: a quarter of the deployer's own client budget
 * (ECS_RATE_LIMIT, 20 a second), so reconciles and rollouts keep the rest. Each replica refreshes.
 */
export const REFRESH_CALLS_PER_SECOND = 5;
const DESCRIBE_SERVICES_BATCH = 10;

/** How stale a replica's status can be with `services` services: a pass, or the interval. */
export function refreshPeriodMs(
  services: number,
  options: { intervalMs?: number; callsPerSecond?: number } = {},
): number {
  const calls = Math.ceil(services / DESCRIBE_SERVICES_BATCH);
  const paced = (calls / (options.callsPerSecond ?? REFRESH_CALLS_PER_SECOND)) * 1000;
  return Math.max(options.intervalMs ?? REFRESH_INTERVAL_MS, paced);
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
  /**
   * Judges services in bulk and writes the status of those that need no work (resync-pass.ts without
   * queueing): verdicts ECS does not show (in sync, a blocked digest, a held gate) at the first pass and
   * every settleIntervalMs. Absent: never.
   */
  settle?: (services: readonly ServiceConfig[], signal: AbortSignal) => Promise<unknown>;
  settleIntervalMs?: number;
  intervalMs?: number;
  callsPerSecond?: number;
}

/** How often a replica judges every service itself (DescribeImages once per repository). */
export const SETTLE_INTERVAL_MS = 60_000;

export class StatusRefresh {
  readonly #deps: StatusRefreshDeps;
  readonly #limiter: RateLimiter;
  /** What each service showed at the last look (observed-rollout.ts fingerprint). */
  readonly #seen = new Map<string, string>();
  /** The revision of a rollout seen in flight: read once more when it ends, for its result. */
  readonly #following = new Map<string, string>();
  readonly #log: Logger;

  constructor(deps: StatusRefreshDeps) {
    this.#deps = deps;
    const perSecond = deps.callsPerSecond ?? REFRESH_CALLS_PER_SECOND;
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
   * Passes every interval on the Clock until `signal` aborts (the first at once); a pass still running
   * (paced by the budget) makes the next tick wait for it instead of starting another.
   */
  start(signal: AbortSignal): void {
    let settledAt = Number.NEGATIVE_INFINITY;
    const tick = async () => {
      const now = this.#deps.clock.now().getTime();
      if (this.#deps.settle && now - settledAt >= (this.#deps.settleIntervalMs ?? SETTLE_INTERVAL_MS)) {
        settledAt = now;
        const { store } = this.#deps;
        await this.#deps.settle(
          this.#deps.services().filter((s) => !store.acting(s.name)),
          signal,
        );
      }
      await this.pass(signal);
    };
    const once = coalesced(
      () =>
        tick().catch((error: unknown) => {
          if (!signal.aborted) this.#log.warn({ err: error }, 'status refresh failed; next pass');
        }),
      () => signal.aborted,
    );
    once();
    const intervalMs = this.#deps.intervalMs ?? REFRESH_INTERVAL_MS;
    this.#deps.clock.every(intervalMs, once, signal);
    const services = this.#deps.services().length;
    const callsPerSecond = this.#deps.callsPerSecond ?? REFRESH_CALLS_PER_SECOND;
    this.#log.info(
      { services, periodMs: refreshPeriodMs(services, { intervalMs, callsPerSecond }), callsPerSecond },
      'status refresh from ECS started',
    );
  }

  /** Refreshes every service in the config (paced by the budget). */
  async pass(signal: AbortSignal): Promise<void> {
    await this.#refresh(this.#deps.services(), signal);
  }

  /** An ECS event about this service reached this replica: look now, not at the next pass. */
  async soon(name: string, signal: AbortSignal): Promise<void> {
    const config = this.#deps.services().find((s) => s.name === name);
    if (config) await this.#refresh([config], signal);
  }

  async #refresh(services: readonly ServiceConfig[], signal: AbortSignal): Promise<void> {
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
    const revisions = await this.#revisions(config, live, signal);
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
    store.update(name, (service) => {
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
    store.addEvents(
      name,
      live.events
        .slice(0, HISTORY_LIMITS.events)
        .map((e) => ({ id: e.id, createdAt: e.createdAt.toISOString(), message: e.message })),
    );
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
    } else if (seen.finished) {
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

  /** The PRIMARY and ACTIVE revisions (fresh when they may move), the followed one and the previous. */
  async #revisions(
    config: ServiceConfig,
    live: LiveService,
    signal: AbortSignal,
  ): Promise<Map<string, DescribedTaskDefinition>> {
    const { ecs } = this.#deps;
    const revisions = new Map<string, DescribedTaskDefinition>();
    const inMotion =
      live.deployments.length > 1 ||
      live.deployments.some((d) => d.rolloutState !== undefined && d.rolloutState !== 'COMPLETED');
    const followed = this.#following.get(config.name);
    const fresh = new Set([
      ...(inMotion ? live.deployments.map((d) => d.taskDefinitionArn) : []),
      ...(followed ? [followed] : []),
    ]);
    const read = async (arn: string, authoritative: boolean) => {
      if (revisions.has(arn)) return;
      if (authoritative) await this.#limiter.acquire('DescribeTaskDefinition', signal);
      revisions.set(arn, await (authoritative ? ecs.authoritative : ecs).describeTaskDefinition(arn, signal));
    };
    await read(live.taskDefinitionArn, fresh.has(live.taskDefinitionArn));
    for (const arn of fresh) await read(arn, true);
    // The revisions they replaced name the rollout's `from` image (immutable: the kept copy will do).
    if (fresh.size > 0)
      for (const described of [...revisions.values()]) {
        const previous = readRevisionTags(described.tags).previousArn;
        if (previous) await read(previous, false);
      }
    return revisions;
  }
}
