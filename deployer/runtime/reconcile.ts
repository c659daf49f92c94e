// Reconcile one service, Flux style: the public reconcile() always writes status in `finally`; the
// private steps observe (desired from config + registry, live from ECS), plan, and act (roll out,
// resume work a crash interrupted, or report why nothing can be done).
import type { Logger } from 'pino';
import { earlierFailure, type Suspension, suspensionOf } from '../domain/decide.ts';
import { DeployerError, isDeployerError } from '../domain/errors.ts';
import { planRollout } from '../domain/plan.ts';
import { chooseImage } from '../domain/policy/choose-image.ts';
import { hasFailed, isRolloutOf, type RevisionRecord, readRevisionTags } from '../domain/revision-tags.ts';
import { liveImageOf } from '../domain/task-definition.ts';
import type {
  BlockedCause,
  DesiredState,
  ImageChoice,
  LiveImage,
  LiveServiceEvent,
  Plan,
  ServiceConfig,
} from '../domain/types.ts';
import type {
  CdnPort,
  Clock,
  DescribedTaskDefinition,
  EcsPort,
  RegistryPort,
  VerifyProbe,
} from '../ports.ts';
import { KeyedLock } from './keyed-lock.ts';
import type { DeployerMetrics } from './metrics.ts';
import { complete, type DeployResult, deploy, finishRollback } from './rollout/deploy.ts';
import { recentRevisions } from './rollout/recent-revisions.ts';
import { recordOutcome } from './rollout/record-outcome.ts';
import type { FailureReason, RolloutContext } from './rollout/rollout-context.ts';
import type { DesiredStatus, SyncState } from './status-model.ts';
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
  /** The config in force (intake keeps it). */
  desired: () => DesiredState | undefined;
  /** Runtime suspension made through this process's API and not yet recorded in ECS, if any. */
  suspension: (service: string) => Suspension | undefined;
  /** Told the runtime suspension in force after each look at ECS (status). */
  showSuspension?: (service: string, suspension: Suspension | undefined) => void;
}

export interface ReconcileOptions {
  reason: string;
  /** Manual sync: retry a digest that failed before. */
  force?: boolean;
}

interface Observed {
  config: ServiceConfig;
  configRevision: string;
  choice: ImageChoice;
  repositoryUri: string;
  described: DescribedTaskDefinition;
  live: LiveImage;
  /** What the live revision's tags record. */
  record: RevisionRecord;
}

const BLOCKED_STATE: Record<BlockedCause, { state: SyncState; reason: string }> = {
  suspended: { state: 'Suspended', reason: 'Suspended' },
  'failed-digest': { state: 'Failed', reason: 'DigestBlocked' },
  'no-image': { state: 'Failed', reason: 'NoMatchingImage' },
  'foreign-image': { state: 'Failed', reason: 'ForeignImage' },
  'invalid-config': { state: 'Failed', reason: 'InvalidConfig' },
};

export class Reconciler {
  readonly #deps: ReconcilerDeps;
  readonly #lock = new KeyedLock();
  /** Services whose ECS event history was read once (that first read is not logged at info). */
  readonly #eventsSeen = new Set<string>();
  readonly #repositoryUris = new Map<string, string>();

  constructor(deps: ReconcilerDeps) {
    this.#deps = deps;
  }

  async reconcile(name: string, options: ReconcileOptions, signal: AbortSignal): Promise<void> {
    const { store, metrics, clock } = this.#deps;
    const log = this.#deps.logger.child({ service: name });
    const configured = () => this.#deps.desired()?.services.some((s) => s.name === name) === true;
    await this.#lock.run(name, async () => {
      // Read the config inside the lock: a reconcile that waited behind another uses the newest one.
      const desired = this.#deps.desired();
      const config = desired?.services.find((s) => s.name === name);
      if (!desired || !config) {
        log.info({ why: options.reason }, 'service is not in the config in force; nothing to reconcile');
        return;
      }
      try {
        await this.#reconcile(config, desired.revision, options, signal, log);
      } catch (error) {
        if (!signal.aborted) this.#recordError(name, error, log);
        throw error;
      } finally {
        if (configured()) {
          store.update(name, (service) => {
            service.lastReconciledAt = clock.now().toISOString();
            service.currentRollout = null;
          });
          const state = store.service(name)?.sync.state;
          if (state) metrics.syncState(name, state);
        } else {
          // Removed from config while this ran: do not bring its status back.
          store.remove(name);
        }
        metrics.rolloutStep(name, undefined);
      }
    });
  }

  async #reconcile(
    config: ServiceConfig,
    configRevision: string,
    options: ReconcileOptions,
    signal: AbortSignal,
    log: Logger,
  ): Promise<void> {
    const observed = await this.#observe(config, configRevision, signal, log);
    if (await this.#resume(observed, options, signal, log)) return;
    // The live revision's tag is the record every replica shares; memory covers the moment before it.
    const suspension =
      this.#deps.suspension(config.name) ?? suspensionOf(observed.record, observed.live.taskDefinitionArn);
    this.#deps.showSuspension?.(config.name, suspension);
    const plan = planRollout({
      service: config,
      configRevision,
      choice: observed.choice,
      repositoryUri: observed.repositoryUri,
      live: observed.live,
      failedDigests: this.#deps.store.failedDigests(config.name),
      suspended: config.suspended || suspension !== undefined,
      force: options.force === true,
    });
    // A noop is the common answer to a resync: not worth a line per service at info.
    log[plan.kind === 'noop' ? 'debug' : 'info'](
      { plan: plan.kind, why: options.reason, reason: plan.reason },
      'planned',
    );
    await this.#act(observed, plan, suspension, options.force === true, signal, log);
  }

  async #observe(
    config: ServiceConfig,
    configRevision: string,
    signal: AbortSignal,
    log: Logger,
  ): Promise<Observed> {
    const { ecs, registry, store } = this.#deps;
    const [images, repositoryUri, service] = await Promise.all([
      registry.listImages(config.image.repository, signal),
      this.#repositoryUri(config.image.repository, signal),
      ecs.describeService(config.cluster, config.service, signal),
    ]);
    this.#recordEvents(config.name, service.events, log);
    const described = await ecs.describeTaskDefinition(service.taskDefinitionArn, signal);
    const live = liveImageOf(described.taskDefinition, config.container, described.tags);
    if (!live) {
      throw new DeployerError(
        'TASK_DEFINITION_INVALID',
        `task definition ${service.taskDefinitionArn} of ECS service ${config.service} has no container "${config.container}"; fix \`container\` in ${config.source.file}`,
        { details: { service: config.name } },
      );
    }
    const choice = chooseImage(config.image, images);
    store.update(config.name, (status) => {
      status.desired = choice.ok ? desiredStatus(config, choice, repositoryUri) : null;
      status.live = {
        image: live.image,
        taskDefinitionArn: live.taskDefinitionArn,
        ...(live.digest ? { digest: live.digest } : {}),
      };
    });
    const record = readRevisionTags(described.tags);
    return { config, configRevision, choice, repositoryUri, described, live, record };
  }

  /**
   * Work a crash interrupted shows on the live revision's tags: our rollout id without a result (resume
   * at wait: no second registration, and invalidation reuses its CallerReference), or a recorded
   * failure whose rollback did not finish. Returns true when it handled the service.
   */
  async #resume(
    observed: Observed,
    options: ReconcileOptions,
    signal: AbortSignal,
    log: Logger,
  ): Promise<boolean> {
    const { live, config, choice, record } = observed;
    if (!isRolloutOf(record, config.name) || !live.digest) return false;
    const rolloutId = record.rolloutId;
    const input = {
      rolloutId,
      taskDefinitionArn: live.taskDefinitionArn,
      digest: live.digest,
      previousArn: record.previousArn,
      startedAt: parseDate(record.startedAt) ?? this.#deps.clock.now(),
    };
    const result = record.result;
    const running = result === undefined || result === 'InProgress';
    if (running && choice.ok && choice.digest === live.digest) {
      log.info({ rolloutId }, 'resuming an interrupted rollout at wait');
      await this.#runRollout(observed, input, signal, log, (ctx) => complete(ctx, input));
      return true;
    }
    if (result === 'Failed' && config.rollout.rollback && input.previousArn && options.force !== true) {
      log.info({ rolloutId }, 'resuming an interrupted rollback');
      const failure = {
        reason: (record.reason ?? 'DeploymentFailed') as FailureReason,
        message: `resumed rollback of ${live.digest.slice(0, 19)}`,
      };
      await this.#runRollout(observed, input, signal, log, (ctx) => finishRollback(ctx, input, failure));
      return true;
    }
    return false;
  }

  async #act(
    observed: Observed,
    plan: Plan,
    suspension: Suspension | undefined,
    force: boolean,
    signal: AbortSignal,
    log: Logger,
  ): Promise<void> {
    const { store } = this.#deps;
    const name = observed.config.name;
    if (plan.kind === 'noop') {
      if (hasFailed(observed.record)) {
        const reason = observed.record.reason ?? 'DeploymentFailed';
        store.setSync(
          name,
          'Degraded',
          reason,
          `${name} runs ${observed.live.digest?.slice(0, 19)}, whose rollout failed (${reason}); push a fix or sync`,
        );
      } else {
        store.setSync(name, 'Synced', 'UpToDate', plan.reason);
      }
      return;
    }
    if (plan.kind === 'blocked') {
      if (plan.cause === 'suspended' && suspension && !observed.config.suspended) {
        store.setSync(name, 'Suspended', suspension.reason, suspension.message);
        return;
      }
      if (plan.cause === 'failed-digest') {
        const digest = observed.choice.ok ? observed.choice.digest : undefined;
        const earlier = store.service(name)?.failedDigests.find((f) => f.digest === digest);
        const message = earlier ? `${plan.reason} (${earlier.reason} at ${earlier.failedAt})` : plan.reason;
        store.setSync(name, 'Failed', 'DigestBlocked', message);
        return;
      }
      const mapped = BLOCKED_STATE[plan.cause];
      store.setSync(name, mapped.state, mapped.reason, plan.reason);
      return;
    }
    const rolloutPlan = plan;
    // Another replica (or this one before a restart) may have seen this digest fail: ECS knows.
    const recent = await recentRevisions(this.#deps.ecs, observed.described.taskDefinition.family, signal);
    const failure = force ? undefined : earlierFailure(recent, name, plan.to.digest);
    if (failure) {
      store.rememberFailedDigest(name, { digest: plan.to.digest, ...failure });
      store.setSync(
        name,
        'Failed',
        'DigestBlocked',
        `${plan.to.digest.slice(0, 19)} failed to roll out before (${failure.reason}); push a new image, change the config, or sync to retry it`,
      );
      log.info(
        { digest: plan.to.digest, reason: failure.reason },
        'rollout skipped: the digest failed before',
      );
      return;
    }
    await this.#runRollout(
      observed,
      { rolloutId: plan.rolloutId, digest: plan.to.digest },
      signal,
      log.child({ rolloutId: plan.rolloutId }),
      (ctx) =>
        deploy(ctx, {
          rolloutId: rolloutPlan.rolloutId,
          image: rolloutPlan.to.image,
          digest: rolloutPlan.to.digest,
          configRevision: observed.configRevision,
          template: observed.described.taskDefinition,
          recent,
        }),
      { image: plan.to.image, digest: plan.to.digest, ...(plan.to.tag ? { tag: plan.to.tag } : {}) },
    );
  }

  /** Runs a rollout (fresh or resumed) and turns its result into status, history and metrics. */
  async #runRollout(
    observed: Observed,
    ids: { rolloutId: string; digest: string },
    signal: AbortSignal,
    log: Logger,
    run: (ctx: RolloutContext) => Promise<DeployResult>,
    to?: { image: string; digest: string; tag?: string },
  ): Promise<void> {
    const { store, metrics, clock } = this.#deps;
    const { config, live } = observed;
    const name = config.name;
    const from = {
      image: live.image,
      taskDefinitionArn: live.taskDefinitionArn,
      ...(live.digest ? { digest: live.digest } : {}),
    };
    const target = to ?? { image: live.image, digest: ids.digest };
    store.update(name, (service) => {
      service.currentRollout = {
        id: ids.rolloutId,
        step: 'Registering',
        startedAt: clock.now().toISOString(),
        from: to ? from : null,
        to: target,
      };
    });
    store.setSync(name, 'Progressing', 'RolloutStarted', `rolling out ${ids.digest.slice(0, 19)}`);
    metrics.syncState(name, 'Progressing');
    const ctx: RolloutContext = {
      service: config,
      ecs: this.#deps.ecs,
      cdn: this.#deps.cdn,
      probe: this.#deps.probe,
      clock,
      log,
      signal,
      waitPollMs: this.#deps.waitPollMs,
      onStep: (step) => {
        store.update(name, (service) => {
          if (service.currentRollout) service.currentRollout.step = step;
        });
        metrics.rolloutStep(name, step);
        log.debug({ step }, 'rollout step');
      },
      onEvents: (events) => this.#recordEvents(name, events, log),
    };
    const outcome = await run(ctx);
    await recordOutcome(
      { ecs: this.#deps.ecs, store, metrics, log, signal },
      { config, configRevision: observed.configRevision, rolloutId: ids.rolloutId, digest: ids.digest },
      { from: to ? from : null, to: target },
      outcome,
    );
  }

  /** A repository's URI never changes: ask the registry once per repository. */
  async #repositoryUri(repository: string, signal: AbortSignal): Promise<string> {
    const known = this.#repositoryUris.get(repository);
    if (known) return known;
    const uri = await this.#deps.registry.repositoryUri(repository, signal);
    this.#repositoryUris.set(repository, uri);
    return uri;
  }

  #recordEvents(name: string, events: LiveServiceEvent[], log: Logger): void {
    const { store } = this.#deps;
    const first = !this.#eventsSeen.has(name);
    this.#eventsSeen.add(name);
    const added = store.addEvents(
      name,
      events.map((e) => ({ id: e.id, createdAt: e.createdAt.toISOString(), message: e.message })),
    );
    // The first look replays ECS's whole event history: keep it out of the info log.
    for (const event of added)
      log[first ? 'debug' : 'info']({ ecsEvent: event.message }, 'ECS service event');
  }

  #recordError(name: string, error: unknown, log: Logger): void {
    const { store } = this.#deps;
    const current = store.service(name)?.sync;
    const message = error instanceof Error ? error.message : String(error);
    if (isDeployerError(error) && error.terminal) {
      store.setSync(name, 'Failed', pascalCase(error.code), message);
      log.error({ err: error }, 'reconcile failed; it needs a change to succeed');
      return;
    }
    // Transient: keep the state, say why it is stale; the message comes back with backoff.
    store.setSync(
      name,
      current?.state ?? 'Unknown',
      isDeployerError(error) ? pascalCase(error.code) : 'ReconcileError',
      `${message} (retrying)`,
    );
    log.warn({ err: error }, 'reconcile failed; will retry');
  }
}

function desiredStatus(
  config: ServiceConfig,
  choice: Extract<ImageChoice, { ok: true }>,
  repositoryUri: string,
): DesiredStatus {
  return {
    image: `${repositoryUri}@${choice.digest}`,
    digest: choice.digest,
    ...(choice.tag ? { tag: choice.tag } : {}),
    reason: choice.reason,
    policy: config.image.pin !== undefined ? { pin: config.image.pin } : config.image.track,
  };
}

/** `SERVICE_NOT_FOUND` → `ServiceNotFound`. */
export function pascalCase(code: string): string {
  return code
    .toLowerCase()
    .split('_')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

function parseDate(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
