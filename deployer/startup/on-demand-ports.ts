// Ports whose adapter, and the AWS SDK package behind it, is loaded on the first call: CloudFront
// (services with `cdn`), CloudWatch (`rollout.analysis`) and CloudWatch Logs (a task that failed).
// Nothing before ready needs them, and many installations never do (clients.ts, OnDemandClient).
import type { CdnPort, MetricsPort, TaskLogsPort } from '../ports.ts';

/** The first call loads; a failed load is tried again on the next call (an import error is not cached). */
function loaded<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= load().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}

export function cdnOnDemand(load: () => Promise<CdnPort>): CdnPort {
  const port = loaded(load);
  return {
    createInvalidation: async (...args) => (await port()).createInvalidation(...args),
    getInvalidation: async (...args) => (await port()).getInvalidation(...args),
  };
}

export function taskLogsOnDemand(load: () => Promise<TaskLogsPort>): TaskLogsPort {
  const port = loaded(load);
  return { lastLines: async (...args) => (await port()).lastLines(...args) };
}

export function metricsOnDemand(load: () => Promise<MetricsPort>): MetricsPort {
  const port = loaded(load);
  return {
    alarms: async (...args) => (await port()).alarms(...args),
    targetGroupCounts: async (...args) => (await port()).targetGroupCounts(...args),
  };
}
