// The operations the API offers on the runtime (DeployerRuntime): enqueue a hint, refresh the config,
// sync, roll back, suspend and resume a service. Each checks the service is in the config in force, acts, and leaves
// the deciding to the reconcile it queues.
import type { Logger } from 'pino';
import type { RolloutRecord } from '../contract/status-model.ts';
import { DeployerError } from '../domain/errors.ts';
import { deduplicationId } from '../domain/events/queue-message.ts';
import type { HistoryLinkSettings } from '../domain/history-links.ts';
import type { RolloutTrigger } from '../domain/rollout-trigger.ts';
import type { QueueMessage, ServiceConfig } from '../domain/types.ts';
import type { Clock, EcsPort, QueuePort } from '../ports.ts';
import { ExpiringMap } from '../shared/expiring-map.ts';
import type { Approvals } from './approvals.ts';
import type { LoadOutcome } from './intake.ts';
import { manualRollback } from './rollback-service.ts';
import type { DeployerRuntime, EnqueueResult } from './runtime.ts';
import { HistoryCache, historyVersion, readServiceHistory } from './service-history.ts';
import type { StatusStore } from './status-store.ts';
import type { Suspensions } from './suspensions.ts';

export interface OperationsDeps {
  queue: QueuePort;
  ecs: EcsPort;
  /** An environment in another Region or account: its own ECS port (environment-ports.ts). */
  ecsOf?: ((config: ServiceConfig) => EcsPort) | undefined;
  store: StatusStore;
  suspensions: Suspensions;
  approvals: Approvals;
  clock: Clock;
  logger: Logger;
  /** The config in force (intake keeps it). */
  desired: () => { services: ServiceConfig[]; revision: string } | undefined;
  /** Reads the config at the source head now (intake.loadHead). */
  reloadConfig: (signal: AbortSignal) => Promise<LoadOutcome>;
  /** What history links to (GitHub, the AWS consoles). */
  links: HistoryLinkSettings;
  /** Follows an accepted manual rollback to the end of its ECS deployment (follow-rollback.ts). */
  followRollback?: (config: ServiceConfig, record: RolloutRecord) => void;
}

export type Operations = Pick<
  DeployerRuntime,
  'enqueue' | 'refresh' | 'sync' | 'rollback' | 'suspend' | 'resume' | 'history' | 'approve'
>;

/** SQS FIFO drops a repeated deduplication id for 5 minutes; enqueue() answers the same at once. */
const DEDUP_WINDOW_MS = 5 * 60_000;
const MAX_REMEMBERED_IDS = 10_000;
/** A manual sync waits this long for the config re-read (a git fetch), then syncs the config in force. */
const SYNC_REREAD_MS = 10_000;

export function createOperations(deps: OperationsDeps): Operations {
  const { store, suspensions, clock, logger } = deps;
  const recent = new ExpiringMap<true>({
    ttlMs: DEDUP_WINDOW_MS,
    maxEntries: MAX_REMEMBERED_IDS,
    now: () => clock.now().getTime(),
  });
  const stamp = () => clock.now().toISOString();
  const histories = new HistoryCache({
    now: () => clock.now().getTime(),
    version: (service) => historyVersion(store.service(service)),
  });
  const byToken = (kind: RolloutTrigger['kind'], caller: string | undefined): RolloutTrigger =>
    caller ? { kind, token: caller } : { kind };

  const ecsOf = (config: ServiceConfig) => deps.ecsOf?.(config) ?? deps.ecs;
  const requireService = (name: string): ServiceConfig => {
    const config = deps.desired()?.services.find((s) => s.name === name);
    if (!config)
      throw new DeployerError('SERVICE_NOT_FOUND', `no service named "${name}" in the config in force`, {
        details: { service: name },
      });
    return config;
  };

  async function enqueue(message: QueueMessage, signal: AbortSignal): Promise<EnqueueResult> {
    const id = deduplicationId(message);
    if (recent.has(id)) return { queued: false };
    await deps.queue.send(message, signal);
    recent.set(id, true);
    return { queued: true };
  }

  return {
    enqueue,

    async refresh(signal, caller) {
      const outcome = await deps.reloadConfig(signal);
      logger.info({ config: outcome, revision: deps.desired()?.revision ?? null }, 'config refreshed');
      // A new revision reaches every service the usual way: a resync reconciles them all.
      if (outcome === 'applied') {
        const revision = deps.desired()?.revision;
        const trigger = byToken('config-change', caller);
        if (revision && /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(revision)) trigger.commit = revision;
        await enqueue({ kind: 'resync', reason: `refresh ${stamp()}`, trigger }, signal);
      }
      return { outcome, config: store.config() };
    },

    async sync(service, signal, caller, options = {}) {
      // What the user just saved or pushed is what they mean to sync: read it first, briefly.
      try {
        await deps.reloadConfig(AbortSignal.any([signal, AbortSignal.timeout(SYNC_REREAD_MS)]));
      } catch (error) {
        if (signal.aborted) throw error;
        logger.warn(
          { err: error, service },
          'manual sync: cannot re-read the config; syncing the one in force',
        );
      }
      requireService(service);
      store.forgetFailedDigests(service);
      const by = options.overrideWindow ? (caller ?? 'unknown') : undefined;
      logger.info(
        { service, ...(by !== undefined ? { overrideWindow: true, by } : {}) },
        by !== undefined
          ? 'manual sync overriding the sync windows: failed digests forgotten, reconciling with force'
          : 'manual sync: failed digests forgotten, reconciling with force',
      );
      await enqueue(
        {
          kind: 'reconcile',
          service,
          reason: `manual sync ${stamp()}`,
          force: true,
          trigger: byToken('manual-sync', caller),
          ...(by !== undefined ? { overrideWindowBy: by } : {}),
        },
        signal,
      );
    },

    async approve(service, verdict, by, signal) {
      const config = requireService(service);
      const held = store.service(service)?.gate;
      if (!held)
        throw new DeployerError(
          'NOTHING_TO_APPROVE',
          `no rollout of "${service}" is held by a gate (approval or sync window); nothing to ${verdict === 'Approved' ? 'approve' : 'reject'}`,
          { details: { service } },
        );
      const arn = await deps.approvals.record(config, { verdict, digest: held.digest, by }, signal);
      logger.info(
        { service, digest: held.digest, by, taskDefinitionArn: arn },
        verdict === 'Approved' ? 'rollout approved' : 'rollout rejected',
      );
      await enqueue({ kind: 'reconcile', service, reason: `${verdict.toLowerCase()} ${stamp()}` }, signal);
      return { digest: held.digest };
    },

    async rollback(service, to, signal, options = {}) {
      const config = requireService(service);
      const request = { to, caller: options.caller };
      const rollbackDeps = { ecs: ecsOf(config), store, clock, logger: logger.child({ service }) };
      // A dry run plans only: no suspension, no change, nothing to undo.
      if (options.dryRun) return manualRollback(rollbackDeps, config, { ...request, dryRun: true }, signal);
      // Hold first, so a reconcile running now cannot roll forward again right after; the status
      // shows the suspension once the rollback is done (a refused one leaves the status untouched).
      const before = suspensions.hold(service, { reason: 'ManualRollback', message: 'rolling back by API' });
      let result: Awaited<ReturnType<typeof manualRollback>>;
      try {
        result = await manualRollback(rollbackDeps, config, request, signal);
      } catch (error) {
        suspensions.release(service, before);
        throw error;
      }
      suspensions.suspend(config, 'ManualRollback', {
        message: `rolled back to ${result.to.taskDefinitionArn} by API; tracking is suspended until resume`,
        taskDefinitionArn: result.to.taskDefinitionArn,
      });
      await suspensions.clearTag(config, result.from.taskDefinitionArn, signal);
      const record = store
        .service(service)
        ?.recentRollouts.find(
          (r) => r.reason === 'ManualRollback' && r.taskDefinitionArn === result.to.taskDefinitionArn,
        );
      if (record) deps.followRollback?.(config, record);
      return result;
    },

    suspend(service) {
      const config = requireService(service);
      suspensions.suspend(config, 'SuspendedByApi');
      logger.info({ service }, 'service suspended');
    },

    async resume(service, signal, caller) {
      const config = requireService(service);
      if (!(await suspensions.resume(config, signal)))
        throw new DeployerError(
          'NOT_SUSPENDED',
          config.suspended
            ? `${service} is suspended by its config (suspended: true in ${config.source.file}), which resume does not lift: set suspended: false there`
            : `${service} is not suspended, so there is nothing to resume (a sync reconciles it now)`,
          { details: { service } },
        );
      logger.info({ service }, 'service resumed');
      await enqueue(
        { kind: 'reconcile', service, reason: `resume ${stamp()}`, trigger: byToken('resume', caller) },
        signal,
      );
    },

    history(service, limit, signal) {
      const config = requireService(service);
      return histories.read(service, limit, () =>
        readServiceHistory({ ecs: ecsOf(config), links: deps.links }, config, limit, signal),
      );
    },
  };
}
