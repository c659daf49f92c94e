// The deployer runtime: config intake, the queue consumer, the reconciler and the status they keep,
// behind the DeployerRuntime interface the HTTP layer talks to. Ports in, nothing global.
import type { Logger } from 'pino';
import packageJson from '../../package.json' with { type: 'json' };
import { DeployerError } from '../domain/errors.ts';
import { deduplicationId } from '../domain/events/queue-message.ts';
import type { RevisionRecord } from '../domain/revision-tags.ts';
import type { QueueMessage } from '../domain/types.ts';
import type {
  CdnPort,
  Clock,
  ConfigSource,
  EcsPort,
  LastGoodConfigStore,
  QueuePort,
  ReceivedMessage,
  RegistryPort,
  VerifyProbe,
} from '../ports.ts';
import { Intake } from './intake.ts';
import { createMetrics, EVENT_SOURCE } from './metrics.ts';
import { QueueConsumer } from './queue-consumer.ts';
import { createReadiness } from './readiness.ts';
import { rebuildStatus } from './rebuild-status.ts';
import { Reconciler } from './reconcile.ts';
import { manualRollback } from './rollback-service.ts';
import type { DeployerRuntime, EnqueueResult } from './runtime.ts';
import type { Settings } from './settings.ts';
import { StatusStore } from './status-store.ts';
import { Suspensions } from './suspensions.ts';

export interface RuntimeDeps {
  settings: Settings;
  ecs: EcsPort;
  registry: RegistryPort;
  cdn: CdnPort;
  queue: QueuePort;
  configSource: ConfigSource;
  /** Keeps the last good config revision in AWS; without it a restart cannot fall back to it. */
  lastGood?: LastGoodConfigStore;
  probe: VerifyProbe;
  clock: Clock;
  logger: Logger;
}

/** Tuning that tests shorten; production uses the defaults. */
export interface RuntimeTuning {
  /** Long-poll wait of each receive (SQS: 0..20 s). */
  receiveWaitSeconds?: number;
  /** How often the queue's message counts are read for status. */
  queueStatsIntervalMs?: number;
  /** Pause between attempts of the first config load when the source is unreachable. */
  configRetryMs?: number;
  /** Seconds a retryable failure waits before its next attempt. */
  backoffSeconds?: (receiveCount: number) => number;
  /** Overrides settings.heartbeatSeconds (fractions allowed; tests). */
  heartbeatSeconds?: number;
}

/** SQS FIFO drops a repeated deduplication id for 5 minutes; enqueue() reports the same. */
const DEDUP_WINDOW_MS = 5 * 60_000;
const MAX_REMEMBERED_IDS = 10_000;
/** A manual sync waits this long for the config re-read (a git fetch), then syncs the config in force. */
const SYNC_REREAD_MS = 10_000;

export function createDeployerRuntime(deps: RuntimeDeps, tuning: RuntimeTuning = {}): DeployerRuntime {
  const { settings, clock, queue } = deps;
  const logger = deps.logger.child({ component: 'runtime' });
  const metrics = createMetrics();
  const store = new StatusStore({ mode: settings.mode, version: packageJson.version, clock });
  const configPrefix =
    settings.config.kind === 'git' && settings.config.dir !== '' ? `${settings.config.dir}/` : '';
  const suspensions = new Suspensions({ ecs: deps.ecs, store, metrics, logger });
  const rebuildDeps = {
    ecs: deps.ecs,
    store,
    logger,
    onLiveRecord: (name: string, record: RevisionRecord, arn: string) =>
      suspensions.restore(name, record, arn),
  };
  const intake = new Intake({
    configSource: deps.configSource,
    ...(deps.lastGood ? { lastGood: deps.lastGood } : {}),
    queue,
    store,
    metrics,
    clock,
    logger: deps.logger,
    configPrefix,
    onServicesAdded: (services, signal) => rebuildStatus(rebuildDeps, services, signal),
  });
  const reconciler = new Reconciler({
    ecs: deps.ecs,
    registry: deps.registry,
    cdn: deps.cdn,
    probe: deps.probe,
    clock,
    logger: deps.logger,
    store,
    metrics,
    waitPollMs: settings.waitPollMs,
    desired: () => intake.current(),
    suspension: (name) => suspensions.get(name),
  });
  const consumer = new QueueConsumer({
    queue,
    handle: (message: ReceivedMessage, signal: AbortSignal) => {
      const body = message.body;
      if (body.kind === 'reconcile')
        return reconciler.reconcile(
          body.service,
          { reason: body.reason, force: body.force === true },
          signal,
        );
      return intake.handle(body, signal);
    },
    concurrency: settings.concurrency,
    visibilityTimeoutSeconds: settings.visibilityTimeoutSeconds,
    heartbeatSeconds: tuning.heartbeatSeconds ?? settings.heartbeatSeconds,
    maxReceives: settings.maxReceives,
    waitSeconds: tuning.receiveWaitSeconds ?? 20,
    clock,
    logger: deps.logger,
    ...(tuning.backoffSeconds ? { backoffSeconds: tuning.backoffSeconds } : {}),
    onReceive: (message) => metrics.event(EVENT_SOURCE[message.body.kind]),
  });

  const recentIds = new Map<string, number>();
  let lifetime = new AbortController();
  const timers: NodeJS.Timeout[] = [];
  let isReady = false;
  let started = false;
  let background: Promise<void> = Promise.resolve();

  const requireService = (name: string) => {
    const config = intake.current()?.services.find((s) => s.name === name);
    if (!config) {
      throw new DeployerError('SERVICE_NOT_FOUND', `no service named "${name}" in the config in force`, {
        details: { service: name },
      });
    }
    return config;
  };
  const stamp = () => clock.now().toISOString();

  async function send(message: QueueMessage, signal: AbortSignal): Promise<EnqueueResult> {
    const now = clock.now().getTime();
    for (const [id, at] of recentIds) {
      if (now - at <= DEDUP_WINDOW_MS) break; // the rest is newer
      recentIds.delete(id);
    }
    const id = deduplicationId(message);
    if (recentIds.has(id)) return { queued: false };
    await queue.send(message, signal);
    recentIds.set(id, now);
    // Bounded whatever the delivery rate: the oldest ids go first (a Map keeps insertion order).
    for (const oldest of recentIds.keys()) {
      if (recentIds.size <= MAX_REMEMBERED_IDS) break;
      recentIds.delete(oldest);
    }
    return { queued: true };
  }

  /** Loads the config at the source head; false (logged) when the source cannot be read now. */
  async function loadConfig(signal: AbortSignal): Promise<boolean> {
    try {
      const outcome = await intake.loadHead(signal);
      logger.info({ config: outcome, revision: intake.current()?.revision ?? null }, 'config loaded');
      return true;
    } catch (error) {
      if (signal.aborted) throw error;
      logger.error({ err: error }, 'cannot read the config; retrying');
      return false;
    }
  }

  /** After the first config load: rebuild status from ECS, then start consuming and catch up. */
  async function begin(signal: AbortSignal): Promise<void> {
    await rebuildStatus(rebuildDeps, intake.current()?.services ?? [], signal);
    consumer.start();
    // Catch up with whatever changed while no deployer ran (level-triggered: it is only a hint).
    try {
      for (const service of intake.current()?.services ?? [])
        await send({ kind: 'reconcile', service: service.name, reason: `startup ${stamp()}` }, signal);
    } catch (error) {
      if (signal.aborted) throw error;
      logger.warn({ err: error }, 'could not queue the startup reconciles; the periodic resync will');
    }
    isReady = true;
    logger.info({ mode: settings.mode, services: store.names() }, 'deployer runtime ready');
  }

  /** The config source is unreachable at start: keep trying in the background, not ready meanwhile. */
  async function retryFirstLoad(signal: AbortSignal): Promise<void> {
    do await clock.sleep(tuning.configRetryMs ?? 5_000, signal);
    while (!(await loadConfig(signal)));
    await begin(signal);
  }

  async function refreshQueueStats(): Promise<void> {
    try {
      const stats = await queue.stats(AbortSignal.any([lifetime.signal, AbortSignal.timeout(5_000)]));
      store.queueStats(stats);
      metrics.queueMessages(stats.visible, stats.inFlight);
    } catch (error) {
      if (!lifetime.signal.aborted) logger.debug({ err: error }, 'queue stats unavailable');
    }
  }

  function every(ms: number, work: () => Promise<unknown>): void {
    if (ms <= 0) return;
    const timer = setInterval(
      () =>
        void work().catch((error: unknown) => {
          if (!lifetime.signal.aborted) logger.warn({ err: error }, 'periodic work failed; next time');
        }),
      ms,
    );
    timer.unref();
    timers.push(timer);
  }

  const runtime: DeployerRuntime = {
    metrics: metrics.registry,

    async start() {
      if (started) return;
      started = true;
      lifetime = new AbortController();
      const signal = lifetime.signal;
      every(settings.resyncIntervalSeconds * 1000, () =>
        send({ kind: 'resync', reason: `periodic ${stamp()}` }, lifetime.signal),
      );
      every(tuning.queueStatsIntervalMs ?? 15_000, refreshQueueStats);
      void refreshQueueStats();
      if (await loadConfig(signal)) await begin(signal);
      else
        background = retryFirstLoad(signal).catch((error: unknown) => {
          if (!signal.aborted) logger.error({ err: error }, 'starting the runtime failed');
        });
    },

    async stop() {
      if (!started) return;
      isReady = false;
      for (const timer of timers.splice(0)) clearInterval(timer);
      lifetime.abort(new Error('deployer stopping'));
      await background;
      await consumer.stop();
      started = false;
      logger.info('deployer runtime stopped');
    },

    ready: () => isReady && consumer.running,
    readiness: createReadiness({
      queue,
      clock,
      configReadAt: () => store.snapshot().config.readAt,
      started: () => isReady && consumer.running,
      onQueueError: (error) => logger.warn({ err: error }, 'not ready: the queue does not answer'),
    }),

    async refresh(signal) {
      const outcome = await intake.loadHead(signal);
      logger.info({ config: outcome, revision: intake.current()?.revision ?? null }, 'config refreshed');
      // A new revision reaches every service the usual way: a resync reconciles them all.
      if (outcome === 'applied') await send({ kind: 'resync', reason: `refresh ${stamp()}` }, signal);
      return { outcome, config: store.snapshot().config };
    },

    status: () => store.snapshot(),
    serviceStatus: (name) => store.service(name),
    subscribe: (listener) => store.subscribe(listener),
    enqueue: send,

    async sync(service, signal) {
      // What the user just saved or pushed is what they mean to sync: read it first, briefly.
      try {
        await intake.loadHead(AbortSignal.any([signal, AbortSignal.timeout(SYNC_REREAD_MS)]));
      } catch (error) {
        if (signal.aborted) throw error;
        logger.warn(
          { err: error, service },
          'manual sync: cannot re-read the config; syncing the one in force',
        );
      }
      requireService(service);
      store.forgetFailedDigests(service);
      logger.info({ service }, 'manual sync: failed digests forgotten, reconciling with force');
      await send({ kind: 'reconcile', service, reason: `manual sync ${stamp()}`, force: true }, signal);
    },

    async rollback(service, to, signal) {
      const config = requireService(service);
      const before = suspensions.get(service);
      const sync = store.service(service)?.sync;
      // Suspend first, so a reconcile running now cannot roll forward again right after.
      suspensions.hold(service, { reason: 'ManualRollback', message: 'rolling back by API' });
      let result: Awaited<ReturnType<typeof manualRollback>>;
      try {
        result = await manualRollback(
          { ecs: deps.ecs, store, clock, logger: logger.child({ service }) },
          config,
          to,
          signal,
        );
      } catch (error) {
        if (before) suspensions.hold(service, before);
        else suspensions.drop(service);
        if (sync) store.setSync(service, sync.state, sync.reason, sync.message);
        throw error;
      }
      suspensions.suspend(config, 'ManualRollback', {
        message: `rolled back to ${result.taskDefinitionArn} by API; tracking is suspended until resume`,
        taskDefinitionArn: result.taskDefinitionArn,
      });
      await suspensions.clearTag(result.from, signal);
    },

    suspend(service) {
      const config = requireService(service);
      suspensions.suspend(config, 'SuspendedByApi');
      logger.info({ service }, 'service suspended');
    },

    async resume(service, signal) {
      const config = requireService(service);
      await suspensions.resume(config, signal);
      logger.info({ service }, 'service resumed');
      await send({ kind: 'reconcile', service, reason: `resume ${stamp()}` }, signal);
    },
  };
  return runtime;
}
