// The periodic resync, which queues no pass while the last one it queued waits in the queue. A pass
// compares every service, so a second one behind the first adds nothing; and when the deployer is slower
// than the interval (a saturated host, a long queue) resyncs piled up in the FIFO queue ahead of the
// events users wait for (seen: each pass handled a minute after it was queued, a push behind them).
// Another replica may run the pass this one queued, which this process cannot see: after a few intervals
// it queues again anyway, so a lost or foreign-handled message never stops the resync.
import type { Logger } from 'pino';

/** Intervals after which a pass this process never saw run is queued again. */
const RESYNC_REQUEUE_AFTER_INTERVALS = 3;

export interface PeriodicResyncDeps {
  intervalMs: number;
  /** Monotonic-enough milliseconds (the Clock's now). */
  nowMs: () => number;
  /** How many resync passes this process has run so far. */
  passesRun: () => number;
  enqueue: () => Promise<unknown>;
  logger: Logger;
}

/** The work to run every interval. */
export function periodicResync(deps: PeriodicResyncDeps): () => Promise<void> {
  let queued: { atMs: number; passesRun: number } | undefined;
  return async () => {
    const now = deps.nowMs();
    const ran = deps.passesRun();
    const stillQueued =
      queued !== undefined &&
      ran === queued.passesRun &&
      now - queued.atMs < deps.intervalMs * RESYNC_REQUEUE_AFTER_INTERVALS;
    if (stillQueued) {
      deps.logger.debug('periodic resync not queued: the last one has not run yet');
      return;
    }
    await deps.enqueue();
    // Only once sent: a failed send is retried at the next interval.
    queued = { atMs: now, passesRun: ran };
  };
}
