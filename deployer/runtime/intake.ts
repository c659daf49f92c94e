// Intake (message group `intake`): turns hints into per-service work. A git push or a resync loads and
// validates the config (valid → in force, invalid → the previous one stays and the errors are shown);
// then every affected service gets a `reconcile` message on its own group `service:<name>`. A config
// revision counts as handled only once every reconcile for it is queued: a redelivered push after a
// queue blip redoes the fan-out instead of reporting it done.
import type { Logger } from 'pino';
import type { StackValues } from '../domain/config/stack-values.ts';
import { sameRepositoryName } from '../domain/image-ref.ts';
import { pushMatters } from '../domain/policy/push-matters.ts';
import type { RolloutTrigger } from '../domain/rollout-trigger.ts';
import type { ConfigLoadResult, DesiredState, QueueMessage, ServiceConfig } from '../domain/types.ts';
import type { Clock, ConfigSnapshot, ConfigSource, LastGoodConfigStore, QueuePort } from '../ports.ts';
import { changedServices, repositoriesToReadFresh } from './changed-services.ts';
import { parseSnapshot } from './config-snapshot.ts';
import { LastGoodKeeper } from './last-good-config.ts';
import type { DeployerMetrics } from './metrics.ts';
import { ServiceIndex } from './service-index.ts';
import type { StatusStore } from './status-store.ts';

type Message<K extends QueueMessage['kind']> = Extract<QueueMessage, { kind: K }>;

export interface IntakeDeps {
  configSource: ConfigSource;
  queue: QueuePort;
  store: StatusStore;
  metrics: DeployerMetrics;
  clock: Clock;
  logger: Logger;
  /** Prefix of file paths from the source before `services/` (e.g. `config/`), stripped for the parser. */
  configPrefix: string;
  /** Values of `${stack:Name}` placeholders; a placeholder not among them rejects the config. */
  stackValues: StackValues;
  /** Where the last good revision is kept across restarts (absent: it is not). */
  lastGood?: LastGoodConfigStore;
  /** Starts the reads of the reconciles an image push queues, which this process will likely take (early-reads.ts). */
  readEarly?: (services: readonly ServiceConfig[], signal: AbortSignal) => void;
  /** Services a new config adds to the ones in force (not called for the first config). */
  onServicesAdded?: (services: ServiceConfig[], signal: AbortSignal) => Promise<void>;
  /**
   * Which of these services need a reconcile (resync-pass.ts compares them in bulk, writes the others'
   * status); `fresh`: repositories to read as the registry is now, not as cached (a config change's
   * added and edited services: changed-services.ts). Absent: all.
   */
  triage?: (
    of: readonly ServiceConfig[],
    signal: AbortSignal,
    fresh: ReadonlySet<string>,
  ) => Promise<ServiceConfig[]>;
}

export type LoadOutcome = 'applied' | 'rejected' | 'unchanged';

export class Intake {
  readonly #deps: IntakeDeps;
  readonly #log: Logger;
  #current: DesiredState | undefined;
  #index = new ServiceIndex([]);
  #lastAttempted: string | undefined;
  #readAt: string | null = null;
  /** Repositories of the services the last applied config added or edited. */
  #changedRepositories: ReadonlySet<string> = new Set();
  /** The newest revision whose load and reconcile fan-out both finished (or that was rejected). */
  #handled: string | undefined;
  #turn: Promise<unknown> = Promise.resolve();
  readonly #lastGood: LastGoodKeeper;

  constructor(deps: IntakeDeps) {
    this.#deps = deps;
    this.#log = deps.logger.child({ component: 'intake' });
    this.#lastGood = new LastGoodKeeper({ store: deps.lastGood, clock: deps.clock, logger: this.#log });
  }

  /** The config in force, undefined before the first valid load. */
  current(): DesiredState | undefined {
    return this.#current;
  }
  /** Its services by name, repository or ECS service, without a scan (service-index.ts). */
  index = (): ServiceIndex => this.#index;

  /** Loads the config at the source's head (start, resync, refresh, sync); the caller queues the reconciles. */
  loadHead(signal: AbortSignal): Promise<LoadOutcome> {
    return this.#exclusive(async () => {
      const snapshot = await this.#read(signal);
      if (snapshot.revision === this.#lastAttempted) return 'unchanged';
      const outcome = await this.#apply(this.#parse(snapshot), signal);
      this.#handled = snapshot.revision;
      return outcome;
    });
  }

  /**
   * One read-and-apply at a time: a refresh from the API runs beside the queue's intake messages,
   * and an older read must never be applied after a newer one.
   */
  #exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#turn.then(work);
    this.#turn = run.catch(() => undefined);
    return run;
  }

  async #read(signal: AbortSignal): Promise<ConfigSnapshot> {
    const snapshot = await this.#deps.configSource.read(undefined, signal);
    this.#deps.store.configRead(snapshot.revision);
    this.#readAt = this.#deps.clock.now().toISOString();
    return snapshot;
  }

  /** When the config source was last read (null: never), for readiness: no copy of every service's status. */
  readAt = (): string | null => this.#readAt;

  /** Resync passes this process has run: the periodic resync queues no next pass before one ran. */
  resyncsRun = 0;

  async gitPush(message: Message<'git-push'>, signal: AbortSignal): Promise<void> {
    const log = this.#log.child({ deliveryId: message.deliveryId, after: message.after });
    // The webhook decided this push is work (repository, branch, config touched: github-push.ts).
    // Level-triggered: the push only says "look now". Reading the branch head (not `after`) means a
    // late or redelivered push can never bring an older config back.
    const applied = await this.#exclusive(async () => {
      const snapshot = await this.#read(signal);
      if (snapshot.revision !== message.after)
        log.info({ head: snapshot.revision }, 'the branch moved on since this push; using its head');
      if (snapshot.revision === this.#handled) {
        log.info({ revision: snapshot.revision }, 'config at this revision already handled');
        return undefined;
      }
      if (snapshot.revision === this.#lastAttempted) {
        // Applied by an earlier delivery whose reconciles were not all queued (a queue blip).
        log.info({ revision: snapshot.revision }, 'config applied before; queueing its reconciles again');
        return snapshot.revision;
      }
      const outcome = await this.#apply(this.#parse(snapshot), signal);
      if (outcome === 'applied') return snapshot.revision;
      this.#handled = snapshot.revision;
      return undefined;
    });
    if (applied === undefined) return;
    // The push's author and message describe `after`; when the branch moved on, only the commit applied is known.
    const trigger: RolloutTrigger =
      applied === message.after
        ? {
            kind: 'git-push',
            commit: applied,
            ...(message.author ? { author: message.author } : {}),
            ...(message.message ? { message: message.message } : {}),
          }
        : { kind: 'git-push', commit: applied };
    await this.#reconcileAll(`git push ${applied.slice(0, 12)}`, trigger, signal, this.#changedRepositories);
    this.#handled = applied;
  }

  async imagePush(message: Message<'image-push'>, signal: AbortSignal): Promise<void> {
    // The repository's services (an index: no parse of every service per event) whose policy the pushed
    // tag can move (push-matters.ts): a build tag no service tracks costs nothing but a debug line.
    const ofRepository = this.#index
      .servicesOf(message.repository)
      .filter((s) => sameRepositoryName(s.image.repository, message.repository));
    const matching = ofRepository.filter((s) => pushMatters(s.image, message));
    const log = { repository: message.repository, tag: message.tag, digest: message.digest };
    if (matching.length === 0) {
      const why =
        ofRepository.length > 0 ? 'no service of the repository tracks the tag' : 'no service uses it';
      return this.#log.debug({ ...log, untracked: ofRepository.map((s) => s.name) }, `image push: ${why}`);
    }
    this.#log.info(
      { ...log, services: matching.map((s) => s.name) },
      'image push: reconciling services of the repository',
    );
    const why = `image push ${message.repository}:${message.tag ?? ''}@${message.digest.slice(7, 19)}`;
    const trigger: RolloutTrigger = {
      kind: 'image-push',
      repository: message.repository,
      ...(message.tag ? { tag: message.tag } : {}),
    };
    const queued = this.#enqueueReconciles(matching, why, trigger, signal);
    // Once the send is on its way: the reads' own work must not hold it up.
    setImmediate(() => this.#deps.readEarly?.(matching, signal));
    await queued;
  }

  async resync(message: Message<'resync'>, signal: AbortSignal): Promise<void> {
    this.resyncsRun += 1;
    const outcome = await this.loadHead(signal);
    this.#log.info({ reason: message.reason, config: outcome, revision: this.#current?.revision }, 'resync');
    // A resync that brought a new config revision in is a config change, whoever queued it.
    const trigger: RolloutTrigger =
      message.trigger ?? (outcome === 'applied' ? configChange(this.#current?.revision) : { kind: 'resync' });
    const fresh = outcome === 'applied' ? this.#changedRepositories : new Set<string>();
    await this.#reconcileAll(`resync: ${message.reason}`, trigger, signal, fresh);
  }

  /** Queues a reconcile for every service in force that differs from what runs (all, without triage). */
  async #reconcileAll(why: string, trigger: RolloutTrigger, signal: AbortSignal, fresh: ReadonlySet<string>) {
    const services = this.#current?.services ?? [];
    const differ = this.#deps.triage ? await this.#deps.triage(services, signal, fresh) : services;
    await this.#enqueueReconciles(differ, why, trigger, signal);
  }

  /** One reconcile message per service (group `service:<name>`), 10 to a SendMessageBatch call. */
  async #enqueueReconciles(
    services: readonly ServiceConfig[],
    why: string,
    trigger: RolloutTrigger,
    signal: AbortSignal,
  ): Promise<void> {
    const revision = this.#current?.revision;
    const messages = services.map(
      (service): QueueMessage => ({
        kind: 'reconcile',
        service: service.name,
        reason: why,
        ...(revision === undefined ? {} : { configRevision: revision }),
        trigger,
      }),
    );
    if (messages.length === 1) await this.#deps.queue.send(messages[0] as QueueMessage, signal);
    else if (messages.length > 1) await this.#deps.queue.sendBatch(messages, signal);
  }

  #parse(snapshot: ConfigSnapshot): ConfigLoadResult {
    return parseSnapshot(snapshot, this.#deps.configPrefix, this.#deps.stackValues);
  }

  async #apply(result: ConfigLoadResult, signal: AbortSignal): Promise<LoadOutcome> {
    const { store, metrics } = this.#deps;
    if (!result.ok) {
      this.#lastAttempted = result.revision;
      store.configRejected(result.revision, result.errors);
      this.#log.warn(
        {
          revision: result.revision,
          errors: result.errors
            .slice(0, 10)
            .map((e) => `${e.file}:${e.line}:${e.column} ${e.field} ${e.message}`),
          inForce: this.#current?.revision ?? null,
        },
        'config rejected; the previous config stays in force',
      );
      // Nothing in force (a start on an invalid head): run the last good revision recorded in AWS.
      if (!this.#current) await this.#fallBack(result, signal);
      return 'rejected';
    }
    const state = result.state;
    const change = changedServices(this.#current, state);
    for (const name of change.removed) metrics.forget(name);
    // Services that join a running deployer get their history from ECS like the others did at start.
    if (this.#current && change.added.length > 0) await this.#deps.onServicesAdded?.(change.added, signal);
    // An edited service is not shown Synced on the old config while its reconcile waits (e.g. queued
    // only after an SQS outage): OutOfSync until that reconcile gives its verdict.
    for (const service of change.edited) store.configChanged(service.name, state.revision);
    this.#changedRepositories = repositoriesToReadFresh(change);
    this.#current = state;
    this.#index = new ServiceIndex(state.services);
    this.#lastAttempted = state.revision;
    const names = state.services.map((s) => s.name);
    store.retainServices(names);
    store.configApplied(state.revision);
    this.#log.info({ revision: state.revision, services: names, removed: change.removed }, 'config applied');
    await this.#lastGood.remember(state.revision, signal);
    return 'applied';
  }

  /** Applies the recorded last good revision while the head stays rejected (and shown as such). */
  async #fallBack(head: Extract<ConfigLoadResult, { ok: false }>, signal: AbortSignal): Promise<void> {
    const revision = await this.#lastGood.recall(signal);
    if (revision === undefined || revision === head.revision) return;
    let result: ConfigLoadResult;
    try {
      result = this.#parse(await this.#deps.configSource.read(revision, signal));
    } catch (error) {
      if (signal.aborted) throw error;
      this.#log.error(
        { err: error, lastGood: revision, head: head.revision },
        'the last good config revision cannot be read from the source (a directory keeps no history); no config is in force',
      );
      return;
    }
    if (!result.ok) return; // validation rules changed since it was applied: nothing safe to run
    await this.#apply(result, signal);
    // The head is still what was read and what is wrong: show it as the rejected revision.
    this.#lastAttempted = head.revision;
    this.#deps.store.configRejected(head.revision, head.errors);
    this.#log.warn(
      { lastGood: revision, head: head.revision, errors: head.errors.length },
      'running the last good config revision; the head is invalid',
    );
  }
}

/** A config change: the revision is named as a commit only when it is one (a directory's is a hash). */
export function configChange(revision: string | undefined): RolloutTrigger {
  return revision && /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(revision)
    ? { kind: 'config-change', commit: revision }
    : { kind: 'config-change' };
}
