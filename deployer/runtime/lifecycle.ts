// The runtime's lifecycle: first config load (retried in the background while the source is down), then
// consuming and a startup resync at once, with the status rebuilt from ECS in the background (each
// service shows `Observing` until it is read); periodic resync and queue statistics on the Clock; stop()
// aborts everything this run started and waits for it.
// Ready does not wait for the rebuild: at 10,000 services it is ~1,000 DescribeServices and ~10,000
// DescribeTaskDefinition calls, minutes at ECS's sustained rates ("the bucket refill rate is the sustained
// rate"; its example, cluster read actions, refills 20 tokens a second:
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/request-throttling.html). Nothing acts on the
// rebuild's knowledge: a reconcile reads the service, its live revision's tags (suspension, rollout record)
// and, before a rollout, the family's recent revisions (earlier failures) from AWS itself (read-ahead.ts).
import type { Logger } from 'pino';
import type { ServiceConfig } from '../domain/types.ts';
import type { Clock, QueuePort } from '../ports.ts';
import { coalesced } from './coalesced.ts';
import type { Intake } from './intake.ts';
import type { DeployerMetrics } from './metrics.ts';
import type { Operations } from './operations.ts';
import { periodicResync } from './periodic-resync.ts';
import type { QueueConsumer } from './queue-consumer.ts';
import type { StatusStore } from './status-store.ts';

export interface LifecycleDeps {
  intake: Intake;
  consumer: QueueConsumer;
  operations: Pick<Operations, 'enqueue'>;
  queue: QueuePort;
  store: StatusStore;
  metrics: DeployerMetrics;
  clock: Clock;
  logger: Logger;
  mode: string;
  resyncIntervalSeconds: number;
  queueStatsIntervalMs: number;
  configRetryMs: number;
  /** Rebuilds the status of these services from ECS (in the background, while consuming). */
  rebuild: (services: readonly ServiceConfig[], signal: AbortSignal) => Promise<void>;
  /** Started once the rebuild ends, stopped by the signal (the status refresh from ECS). */
  alongside?: (signal: AbortSignal) => void;
  /** Work started outside the consumer (followed rollbacks) that stop() waits for. */
  settled: () => Promise<void>;
}

export interface Lifecycle {
  start(): Promise<void>;
  stop(): Promise<void>;
  ready(): boolean;
  /** Aborts when the runtime stops. */
  signal(): AbortSignal;
  /** Reads the queue's message counts soon (coalesced). */
  queueStatsSoon(): void;
  /** Settles when the status rebuild from ECS that began at start has ended (tests, benchmarks). */
  rebuilt(): Promise<void>;
}

export function runtimeLifecycle(deps: LifecycleDeps): Lifecycle {
  const { intake, consumer, operations, queue, store, metrics, clock, logger } = deps;
  let lifetime = new AbortController();
  let isReady = false;
  let started = false;
  let background: Promise<void> = Promise.resolve();
  let rebuilding: Promise<void> = Promise.resolve();
  const stamp = () => clock.now().toISOString();

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

  /** After the first config load: start consuming and catch up; rebuild the status meanwhile. */
  async function begin(signal: AbortSignal): Promise<void> {
    consumer.start();
    const started = performance.now();
    rebuilding = deps
      .rebuild(intake.current()?.services ?? [], signal)
      .then(() => {
        logger.info(
          { services: store.names().length, durationMs: Math.round(performance.now() - started) },
          'status rebuild from ECS done',
        );
        deps.alongside?.(signal);
      })
      .catch((error: unknown) => {
        if (!signal.aborted) logger.error({ err: error }, 'rebuilding the status from ECS failed');
      });
    // Catch up with whatever changed while no deployer ran (level-triggered: it is only a hint). One
    // resync compares every service in bulk and queues reconciles only for those that differ.
    try {
      await operations.enqueue(
        { kind: 'resync', reason: `startup ${stamp()}`, trigger: { kind: 'startup' } },
        signal,
      );
    } catch (error) {
      if (signal.aborted) throw error;
      logger.warn({ err: error }, 'could not queue the startup resync; the periodic resync will');
    }
    isReady = true;
    logger.info({ mode: deps.mode, services: store.names() }, 'deployer runtime ready');
  }

  /** The config source is unreachable at start: keep trying in the background, not ready meanwhile. */
  async function retryFirstLoad(signal: AbortSignal): Promise<void> {
    do await clock.sleep(deps.configRetryMs, signal);
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

  // One read at a time; settlements during a read ask for one more after it.
  const queueStatsSoon = coalesced(refreshQueueStats, () => lifetime.signal.aborted);
  /** Periodic work on the Clock, stopped with the runtime; a failure waits for the next time. */
  function every(ms: number, work: () => Promise<unknown>): void {
    if (ms <= 0) return;
    const signal = lifetime.signal;
    clock.every(
      ms,
      () =>
        void work().catch((error: unknown) => {
          if (!signal.aborted) logger.warn({ err: error }, 'periodic work failed; next time');
        }),
      signal,
    );
  }

  return {
    async start() {
      if (started) return;
      started = true;
      lifetime = new AbortController();
      const signal = lifetime.signal;
      const intervalMs = deps.resyncIntervalSeconds * 1000;
      every(
        intervalMs,
        periodicResync({
          intervalMs,
          nowMs: () => clock.now().getTime(),
          passesRun: () => intake.resyncsRun,
          enqueue: () => operations.enqueue({ kind: 'resync', reason: `periodic ${stamp()}` }, signal),
          logger,
        }),
      );
      every(deps.queueStatsIntervalMs, refreshQueueStats);
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
      lifetime.abort(new Error('deployer stopping'));
      await background;
      await rebuilding;
      await deps.settled();
      await consumer.stop();
      started = false;
      logger.info('deployer runtime stopped');
    },
    ready: () => isReady && consumer.running,
    signal: () => lifetime.signal,
    queueStatsSoon,
    rebuilt: () => rebuilding,
  };
}
