// The deployer runtime: wires config intake, the queue consumer, the reconciler and the status they
// keep behind the DeployerRuntime interface the HTTP layer talks to; lifecycle.ts runs it (first
// config load, status rebuild, consuming, periodic resync). Ports in, nothing global.
import type { Logger } from 'pino';
import packageJson from '../../package.json' with { type: 'json' };
import type { HistoryLinkSettings } from '../domain/history-links.ts';
import type { RevisionRecord } from '../domain/revision-tags.ts';
import type { ServiceConfig } from '../domain/types.ts';
import type {
  AnalysisPorts,
  CdnPort,
  Clock,
  ConfigSource,
  EcsPort,
  LastGoodConfigStore,
  QueuePort,
  RegistryPort,
  ReleaseRecordPort,
  TaskLogsPort,
  VerifyProbe,
} from '../ports.ts';
import { Approvals } from './approvals.ts';
import { CachedTaskDefinitions } from './cached-task-definitions.ts';
import { DeploymentSignals } from './deployment-signals.ts';
import { type EnvironmentPortsFactory, hasOwnClients, targetPorts } from './environment-ports.ts';
import { rollbackFollower } from './follow-rollback.ts';
import { Intake } from './intake.ts';
import { runtimeLifecycle } from './lifecycle.ts';
import { dispatch, messageHandlers } from './message-handlers.ts';
import { createMetrics, EVENT_SOURCE } from './metrics.ts';
import { createOperations } from './operations.ts';
import { PromotionHints } from './promotion-hints.ts';
import { QueueConsumer } from './queue-consumer.ts';
import { createReadiness } from './readiness.ts';
import { rebuildStatus } from './rebuild-status.ts';
import { Reconciler } from './reconcile.ts';
import { RepositoryImages } from './repository-images.ts';
import { resyncPass } from './resync-pass.ts';
import { routeDeploymentEvent } from './route-deployment-event.ts';
import type { DeployerRuntime } from './runtime.ts';
import type { Settings } from './settings.ts';
import { ACTIVE_REFRESH_MS, SETTLE_INTERVAL_MS, StatusRefresh } from './status-refresh.ts';
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
  /** Where a successful rollout records what runs for the next `cdk deploy`; absent: nowhere (local). */
  releaseRecords?: ReleaseRecordPort | undefined;
  /** Container logs (CloudWatch Logs) that explain a failed rollout; absent: no log lines. */
  taskLogs?: TaskLogsPort | undefined;
  /** CloudWatch and the HTTP analysis URL that `rollout.analysis` reads; absent: analyses fail. */
  analysis?: AnalysisPorts | undefined;
  /** Where history links go; default: the AWS consoles of settings.region in aws mode, no GitHub. */
  historyLinks?: HistoryLinkSettings | undefined;
  /** Ports of an environment in another Region or account (config roleArn, region); absent: ecs, cdn. */
  environmentPorts?: EnvironmentPortsFactory | undefined;
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
  /** Interval of the status refresh from ECS (status-refresh.ts); 0: none. */
  statusRefreshMs?: number;
  /** Passes between two DescribeImages of a repository no ECR event named (repository-images.ts). */
  ecrRereadEveryPasses?: number;
}

export function createDeployerRuntime(given: RuntimeDeps, tuning: RuntimeTuning = {}): DeployerRuntime {
  // One cache of described revisions: the resync pass reads through it; everything else reads ECS
  // (authoritative) and keeps the answer, and every tag written goes through it.
  const taskDefinitions = new CachedTaskDefinitions(given.ecs);
  const deps: RuntimeDeps = { ...given, ecs: taskDefinitions.authoritative };
  const { settings, clock, queue } = deps;
  const logger = deps.logger.child({ component: 'runtime' });
  const metrics = createMetrics();
  const store = new StatusStore({ mode: settings.mode, version: packageJson.version, clock });
  const configPrefix =
    settings.config.kind === 'git' && settings.config.dir !== '' ? `${settings.config.dir}/` : '';
  const portsOf = targetPorts({ ecs: deps.ecs, cdn: deps.cdn }, deps.environmentPorts);
  const ecsOf = (config: ServiceConfig) => portsOf(config).ecs;
  // The bulk reads (resync, status refresh, rebuild) use the deployer's clients: an environment with
  // its own gets a reconcile instead, which reads it with them.
  const sharedClients = (services: readonly ServiceConfig[]) => services.filter((s) => !hasOwnClients(s));
  const suspensions = new Suspensions({ ecs: deps.ecs, ecsOf, store, metrics, logger });
  const approvals = new Approvals({ ecs: deps.ecs, ecsOf, clock, logger });
  const rebuildDeps = {
    ecs: taskDefinitions, // cached by ARN: the first resync pass reads the same live revisions
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
    stackValues: settings.stackValues ?? {},
    onServicesAdded: (services, signal) => rebuildStatus(rebuildDeps, sharedClients(services), signal),
    readEarly: (services, signal) => {
      for (const service of services) reconciler.readEarly(service, signal);
    },
    triage: async (services, signal, fresh) => {
      judgedAt = clock.now().getTime();
      return [
        ...(await resync(sharedClients(services), signal, fresh)).reconcile,
        ...services.filter(hasOwnClients),
      ];
    },
  });
  // When this replica last began judging every service (a resync or a settle): the refresh's settle
  // skips what this replica is doing or has just done (the startup resync, still running at the first settle).
  let judgedAt = Number.NEGATIVE_INFINITY;
  // What each repository holds, as the last pass read it; an ECR event makes the next pass read it again.
  const repositoryImages = new RepositoryImages(deps.registry, {
    ...(tuning.ecrRereadEveryPasses !== undefined && { rereadEveryPasses: tuning.ecrRereadEveryPasses }),
  });
  // A config change compares the services it adds or edits against ECR as it is now (`fresh`: their
  // repositories), so a pin of a tag pushed without an event rolls out at once; the other services and
  // the periodic passes, the safety net for lost events, use the cache.
  const resync = (services: readonly ServiceConfig[], signal: AbortSignal, fresh?: ReadonlySet<string>) =>
    resyncPass(
      {
        ecs: taskDefinitions,
        registry: deps.registry,
        images: repositoryImages,
        ...(fresh && { fresh }),
        reconciler,
        logger,
      },
      services,
      signal,
    );
  const settle = async (services: readonly ServiceConfig[], signal: AbortSignal) => {
    if (clock.now().getTime() - judgedAt < SETTLE_INTERVAL_MS) return;
    judgedAt = clock.now().getTime();
    await resync(services, signal);
  };
  // Every replica's status from ECS, whoever runs the work (docs/deployer.md, Several replicas).
  const refresh = new StatusRefresh({
    ecs: taskDefinitions,
    store,
    metrics,
    clock,
    logger,
    services: () => sharedClients(intake.current()?.services ?? []),
    named: (name) => sharedClients([intake.index().named(name)].filter((s) => s !== undefined))[0],
    settle,
    // The queue shows for free whether another replica holds work: messages in flight not in our hand.
    othersAtWork: () => (store.queueCounts().inFlight ?? 0) > consumer.inHand,
    replicas: settings.replicas,
    ...(tuning.statusRefreshMs !== undefined ? { intervalMs: tuning.statusRefreshMs } : {}),
  });
  const deploymentSignals = new DeploymentSignals();
  const promotionHints = new PromotionHints({
    queue,
    clock,
    logger,
    desired: () => intake.current(),
    signal: () => lifecycle.signal(),
  });
  const reconciler = new Reconciler({
    promotionHints,
    portsOf,
    deploymentSignals,
    ecs: deps.ecs,
    registry: deps.registry,
    cdn: deps.cdn,
    probe: deps.probe,
    clock,
    logger: deps.logger,
    store,
    metrics,
    waitPollMs: settings.waitPollMs,
    releaseRecords: deps.releaseRecords,
    taskLogs: deps.taskLogs,
    analysis: deps.analysis,
    consoleLinks: settings.mode === 'aws',
    ecsMinuteMs: settings.ecsMinuteMs,
    desired: () => intake.current(),
    suspension: (name) => suspensions.get(name),
    approval: (name) => approvals.get(name),
  });
  const routed = messageHandlers(
    intake,
    reconciler,
    routeDeploymentEvent({
      index: intake.index,
      signals: deploymentSignals,
      logger: deps.logger,
      onEvent: (name) => void refresh.soon(name, lifecycle.signal()).catch(() => undefined),
    }),
  );
  const handlers: typeof routed = {
    ...routed,
    'image-push': (message, signal, slot) => {
      repositoryImages.changed(message.repository);
      return routed['image-push'](message, signal, slot);
    },
  };
  const consumer = new QueueConsumer({
    queue,
    handle: (message, signal, slot) => dispatch(handlers, message.body, signal, slot),
    concurrency: settings.concurrency,
    visibilityTimeoutSeconds: settings.visibilityTimeoutSeconds,
    heartbeatSeconds: tuning.heartbeatSeconds ?? settings.heartbeatSeconds,
    maxReceives: settings.maxReceives,
    waitSeconds: tuning.receiveWaitSeconds ?? 20,
    clock,
    logger: deps.logger,
    ...(tuning.backoffSeconds ? { backoffSeconds: tuning.backoffSeconds } : {}),
    onReceive: (message) => metrics.event(EVENT_SOURCE[message.body.kind]),
    // The periodic sample may be taken mid-work; without a fresh one the status would say "2 in
    // flight" until the next period although the queue drained.
    onSettled: () => lifecycle.queueStatsSoon(),
  });
  const operations = createOperations({
    queue,
    ecs: deps.ecs,
    ecsOf,
    store,
    suspensions,
    approvals,
    clock,
    logger,
    desired: () => intake.current(),
    reloadConfig: (signal) => intake.loadHead(signal),
    links: deps.historyLinks ?? { mode: settings.mode, region: settings.region },
    followRollback: (config, record) => rollbacks.follow(config, record),
  });
  const rollbacks = rollbackFollower(
    { ecs: deps.ecs, cdn: deps.cdn, portsOf, probe: deps.probe, clock, store, metrics, logger },
    { waitPollMs: settings.waitPollMs, signal: () => lifecycle.signal() },
  );

  const lifecycle = runtimeLifecycle({
    intake,
    consumer,
    operations,
    queue,
    store,
    metrics,
    clock,
    logger,
    mode: settings.mode,
    resyncIntervalSeconds: settings.resyncIntervalSeconds,
    // Also the status refresh's marker of other replicas' work (othersAtWork): read as often as they agree.
    queueStatsIntervalMs: tuning.queueStatsIntervalMs ?? ACTIVE_REFRESH_MS,
    configRetryMs: tuning.configRetryMs ?? 5_000,
    rebuild: (services, signal) => rebuildStatus(rebuildDeps, sharedClients(services), signal),
    alongside: (signal) => (tuning.statusRefreshMs === 0 ? undefined : refresh.start(signal)),
    settled: () => rollbacks.settled(),
  });
  return {
    metrics: metrics.registry,
    start: () => lifecycle.start(),
    stop: () => lifecycle.stop(),
    ready: () => lifecycle.ready(),
    readiness: createReadiness({
      queue,
      clock,
      // Not store.snapshot(): every probe would copy the status of every service (10,000 at scale).
      configReadAt: intake.readAt,
      started: () => lifecycle.ready(),
      onQueueError: (error) => logger.warn({ err: error }, 'not ready: the queue does not answer'),
    }),
    status: () => store.snapshot(),
    serviceStatus: (name) => store.service(name),
    subscribe: (listener) => store.subscribe(listener),
    ...operations,
  };
}
