// Reconcile one service, Flux style: observe (desired from config + registry, live from ECS), decide
// (domain/decide.ts, pure), act on the decision (act-on-decision.ts: roll out, resume what a crash
// interrupted, retry a pending CDN invalidation, or nothing), and write the status once, in `finally`.
import type { Logger } from 'pino';
import { decide } from '../domain/decide.ts';
import { isDeployerError } from '../domain/errors.ts';
import { errorReason, Reason } from '../domain/reasons.ts';
import type { Suspension } from '../domain/suspension.ts';
import { type SyncVerdict, statusOf } from '../domain/sync-verdict.ts';
import type { DesiredState, RolloutTrigger, ServiceConfig } from '../domain/types.ts';
import type { CdnPort, Clock, EcsPort, RegistryPort, ReleaseRecordPort, VerifyProbe } from '../ports.ts';
import { actOnDecision } from './act-on-decision.ts';
import { serviceNamed } from './config-lookup.ts';
import type { DeploymentSignals } from './deployment-signals.ts';
import { EarlyReads } from './early-reads.ts';
import type { TargetPorts } from './environment-ports.ts';
import { logGates } from './gate-log.ts';
import { KeyedLock } from './keyed-lock.ts';
import type { DeployerMetrics } from './metrics.ts';
import { type ObservationDeps, type Observed, type ObservedReads, observation } from './observation.ts';
import { isPromoted } from './promoted-choice.ts';
import type { PromotionHints } from './promotion-hints.ts';
import { upstreamRecords } from './promotion-reads.ts';
import { ReadAhead } from './read-ahead.ts';
import type { ActOutcome } from './rollout/record-outcome.ts';
import type { RunnerDeps } from './rollout/run-rollout.ts';
import { ServiceEvents } from './service-events.ts';
import type { StatusStore } from './status-store.ts';

export type { Suspension };
export interface ReconcilerDeps {
  ecs: EcsPort;
  registry: RegistryPort;
  cdn: CdnPort;
  probe: VerifyProbe;
  clock: Clock;
  logger: Logger;
  store: StatusStore;
  metrics: DeployerMetrics;
  waitPollMs: number;
  /** Wakes a waiting rollout on an ECS deployment event (absent: the wait step only polls). */
  deploymentSignals?: DeploymentSignals | undefined;
  /** Where a successful rollout records what runs for the next infrastructure deploy; absent: nowhere. */
  releaseRecords?: ReleaseRecordPort | undefined;
  /** Container logs and console links that explain a failed rollout (explain-failure.ts). */
  taskLogs?: RunnerDeps['taskLogs'];
  analysis?: RunnerDeps['analysis'];
  consoleLinks?: RunnerDeps['consoleLinks'];
  ecsMinuteMs?: RunnerDeps['ecsMinuteMs'];
  /** The config in force (intake keeps it). */
  desired: () => DesiredState | undefined;
  /** Runtime suspension made through this process's API and not yet recorded in ECS, if any. */
  suspension: (service: string) => Suspension | undefined;
  approval?: ObservationDeps['approval']; // a verdict given through this API, until ECS shows it
  /** The ports of an environment in another Region or account (environment-ports.ts); absent: ecs, cdn. */
  portsOf?: ((config: ServiceConfig) => TargetPorts) | undefined;
  /** Reconciles of the environments promoted from one whose rollout ended (absent: the resync's). */
  promotionHints?: Pick<PromotionHints, 'rolloutEnded' | 'soaking'> | undefined;
}

/** Decisions that run a rollout (or finish one): when they end, the environments downstream look. */
const ROLLOUT_DECISIONS = new Set(['rollout', 'resume', 'resume-rollback']);

export interface ReconcileOptions {
  reason: string;
  /** Manual sync: retry a digest that failed before. */
  force?: boolean;
  /** What caused this reconcile; a rollout it starts records it on its revision. */
  trigger?: RolloutTrigger;
  overrideWindowBy?: string | undefined; // manual `sync --override-window` by this API token
  /** Frees the queue slot of this reconcile's message once its rollout waits on ECS (queue-consumer.ts). */
  releaseSlot?: () => void;
}

export class Reconciler {
  readonly #deps: ReconcilerDeps;
  readonly #runner: RunnerDeps & { clock: Clock };
  readonly #lock = new KeyedLock();
  readonly #events: ServiceEvents;
  readonly #repositoryUris = new Map<string, string>();
  /** One per ECS port: the deployer's, and each other Region or account's. */
  readonly #readAheads = new Map<EcsPort, ReadAhead>();
  /** Reads started as intake queues a reconcile for an image push (early-reads.ts). */
  readonly early: EarlyReads;
  constructor(deps: ReconcilerDeps) {
    this.#deps = deps;
    this.early = new EarlyReads(deps.clock);
    this.#events = new ServiceEvents(deps.store);
    this.#runner = { ...deps, events: this.#events };
  }

  async reconcile(name: string, options: ReconcileOptions, signal: AbortSignal): Promise<void> {
    const { store, metrics } = this.#deps;
    const log = this.#deps.logger.child({ service: name });
    let rolledOut = false;
    await this.#lock.run(name, async () => {
      // Read the config inside the lock: a reconcile that waited behind another uses the newest one.
      const desired = this.#deps.desired();
      const config = serviceNamed(desired, name);
      if (!desired || !config) {
        log.info({ why: options.reason }, 'service is not in the config in force; nothing to reconcile');
        return;
      }
      let sync: SyncVerdict | undefined;
      let suspended: boolean | undefined;
      try {
        const decided = await this.#reconcile(config, desired.revision, options, signal, log);
        sync = decided.status;
        suspended = decided.suspension !== undefined;
        rolledOut = decided.rolledOut;
        if (decided.retry !== undefined) throw decided.retry;
      } catch (error) {
        if (sync === undefined && !signal.aborted) sync = this.#failed(name, error, log);
        throw error;
      } finally {
        if (serviceNamed(this.#deps.desired(), name)) {
          store.reconciled(name, { sync, suspended });
          const state = store.service(name)?.sync.state;
          if (state) metrics.syncState(name, state);
        } else {
          // Removed from config while this ran: do not bring its status back.
          store.remove(name);
        }
        metrics.rolloutStep(name, undefined);
      }
    });
    // After the status is written: an environment promoted from this one reads the outcome now.
    if (rolledOut) await this.#deps.promotionHints?.rolloutEnded(name, signal);
  }

  async #reconcile(
    config: ServiceConfig,
    configRevision: string,
    options: ReconcileOptions,
    signal: AbortSignal,
    log: Logger,
  ): Promise<ActOutcome & { suspension: Suspension | undefined; rolledOut: boolean }> {
    // Every read, the history a rollout needs included, starts at once (read-ahead.ts), or started
    // already as intake queued this reconcile (early-reads.ts).
    const upstream = this.#upstreamRead(config, signal);
    upstream?.catch(() => undefined); // awaited below; a failed read of our own must not leave it unhandled
    const read = (await this.early.take(config)) ?? (await this.#read(config, signal));
    const reads = upstream ? { ...read.reads, upstream: await upstream } : read.reads;
    const observed = this.#observation(config, configRevision, options, reads, log);
    const soaking = this.#deps.store.service(config.name)?.pipeline?.promotion?.soaking;
    if (soaking) this.#deps.promotionHints?.soaking(config.name, new Date(soaking.until));
    let decision = decide(observed);
    if (decision.kind === 'read-history') {
      observed.recent = await read.history();
      decision = decide(observed);
    }
    // A noop is the common answer to a resync: not worth a line per service at info.
    log[decision.kind === 'noop' ? 'debug' : 'info'](
      {
        plan: decision.kind,
        why: options.reason,
        ...('plan' in decision ? { reason: decision.plan.reason } : {}),
      },
      'planned',
    );
    logGates(decision, options.overrideWindowBy, log, (show) => this.#deps.store.update(config.name, show));
    const runner = { ...this.#runner, ...this.#portsOf(config) };
    const acted = await actOnDecision(runner, decision, observed, signal, log, options);
    return { suspension: decision.suspension, ...acted, rolledOut: ROLLOUT_DECISIONS.has(decision.kind) };
  }

  /** Starts a reconcile's reads now, for the reconcile intake is queueing (none while one runs). */
  readEarly(config: ServiceConfig, signal: AbortSignal): void {
    if (isPromoted(config) || this.#lock.busy(config.name)) return;
    this.early.start(config, () => this.#read(config, signal));
  }

  #read(config: ServiceConfig, signal: AbortSignal) {
    const lastSeen = this.#deps.store.service(config.name)?.live?.taskDefinitionArn;
    return this.#readAheadOf(config).read(config, lastSeen, signal);
  }

  /** For an environment promoted from another: that one's rollout records, read beside the others. */
  #upstreamRead(config: ServiceConfig, signal: AbortSignal) {
    if (!isPromoted(config)) return undefined;
    const from = config.environment?.promote?.from;
    const upstream = from === undefined ? undefined : serviceNamed(this.#deps.desired(), from);
    if (!upstream)
      throw new Error(`${config.name} is promoted from ${from}, which is not in the config in force`);
    return upstreamRecords(this.#portsOf(upstream).ecs, upstream, signal);
  }

  #portsOf(config: ServiceConfig): TargetPorts {
    return this.#deps.portsOf?.(config) ?? { ecs: this.#deps.ecs, cdn: this.#deps.cdn };
  }

  #readAheadOf(config: ServiceConfig): ReadAhead {
    const { ecs } = this.#portsOf(config);
    let readAhead = this.#readAheads.get(ecs);
    if (!readAhead) {
      readAhead = new ReadAhead({
        ecs,
        registry: this.#deps.registry,
        repositoryUri: (repository, signal) => this.repositoryUri(repository, signal),
      });
      this.#readAheads.set(ecs, readAhead);
    }
    return readAhead;
  }

  #observation(
    config: ServiceConfig,
    configRevision: string,
    options: Pick<ReconcileOptions, 'force' | 'overrideWindowBy'>,
    reads: ObservedReads,
    log: Logger,
  ): Observed {
    this.#events.record(config.name, reads.service, log, this.#deps.clock.now());
    const { store, suspension, clock, approval } = this.#deps;
    return observation({ store, suspension, clock, approval }, { config, configRevision, ...options }, reads);
  }

  /**
   * A resync pass read this service in bulk. When the decision asks for no action (in sync, degraded,
   * blocked) its status is written here and the answer is true; otherwise (a rollout, a resume, an
   * invalidation, anything unexpected) false: the caller queues a reconcile, which reads again.
   */
  async settle(name: string, reads: ObservedReads, signal: AbortSignal): Promise<boolean> {
    // A reconcile of it runs here (a rollout waiting on ECS, maybe for minutes): the resync must not
    // wait behind it, holding up the intake group; the reconcile queued instead waits in its FIFO group.
    if (this.#lock.busy(name)) return false;
    const log = this.#deps.logger.child({ service: name });
    return this.#lock.run(name, async () => {
      this.early.forget(name);
      const desired = this.#deps.desired();
      const config = serviceNamed(desired, name);
      // A promoted environment is judged on its upstream's records, which a bulk read does not have.
      if (!desired || !config || signal.aborted || isPromoted(config)) return false;
      let observed: Observed;
      try {
        observed = this.#observation(config, desired.revision, {}, reads, log);
      } catch {
        return false; // the reconcile reports it, with the whole story
      }
      const decision = decide(observed);
      if (decision.kind !== 'noop' && decision.kind !== 'degraded' && decision.kind !== 'blocked')
        return false;
      const { store, metrics } = this.#deps;
      store.reconciled(name, {
        sync: statusOf(decision, config),
        suspended: decision.suspension !== undefined,
      });
      const state = store.service(name)?.sync.state;
      if (state) metrics.syncState(name, state);
      return true;
    });
  }

  /** A repository's URI never changes: ask the registry once per repository. */
  async repositoryUri(repository: string, signal: AbortSignal): Promise<string> {
    const known = this.#repositoryUris.get(repository);
    if (known) return known;
    const uri = await this.#deps.registry.repositoryUri(repository, signal);
    this.#repositoryUris.set(repository, uri);
    return uri;
  }

  /** The status of a reconcile that threw: terminal needs a change; transient keeps the state. */
  #failed(name: string, error: unknown, log: Logger): SyncVerdict {
    const message = error instanceof Error ? error.message : String(error);
    if (isDeployerError(error) && error.terminal) {
      log.error({ err: error }, 'reconcile failed; it needs a change to succeed');
      return { state: 'Failed', reason: errorReason(error.code), message };
    }
    log.warn({ err: error }, 'reconcile failed; will retry');
    return {
      state: this.#deps.store.service(name)?.sync.state ?? 'Unknown',
      reason: isDeployerError(error) ? errorReason(error.code) : Reason.ReconcileError,
      message: `${message} (retrying)`,
    };
  }
}
