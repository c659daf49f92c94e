// The deployer's Prometheus metrics, on a registry of its own (one per runtime, so tests never share).
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import {
  ROLLOUT_RESULTS,
  type RolloutResult,
  type RolloutStep,
  type SyncState,
} from '../contract/status-model.ts';
import type { QueueMessage } from '../domain/types.ts';
import { SyncStateGauge } from './sync-state-gauge.ts';

export type EventSource = 'github' | 'ecr' | 'resync' | 'reconcile' | 'ecs';

export const EVENT_SOURCE: Record<QueueMessage['kind'], EventSource> = {
  'git-push': 'github',
  'image-push': 'ecr',
  resync: 'resync',
  reconcile: 'reconcile',
  'deployment-event': 'ecs',
};

export const RELEASE_RECORD_OUTCOMES = ['written', 'failed', 'skipped'] as const;
export type ReleaseRecordOutcome = (typeof RELEASE_RECORD_OUTCOMES)[number];

export interface DeployerMetrics {
  registry: Registry;
  rolloutFinished(service: string, result: RolloutResult, durationSeconds: number): void;
  event(source: EventSource): void;
  syncState(service: string, state: SyncState): void;
  /** The step a service's rollout is in, or undefined when none runs. */
  rolloutStep(service: string, step: RolloutStep | undefined): void;
  /** Approximate queue depth from the last stats read. */
  queueMessages(visible: number, inFlight: number): void;
  /** A release record after a successful rollout (record-release.ts): written, failed or skipped. */
  releaseRecord(service: string, outcome: ReleaseRecordOutcome): void;
  /** Drops every series of a service removed from config. */
  forget(service: string): void;
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}): DeployerMetrics {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  const rollouts = new Counter({
    name: 'ecs_gitops_rollouts_total',
    help: 'Finished rollouts by service and result (Succeeded, Failed, RolledBack).',
    labelNames: ['service', 'result'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'ecs_gitops_rollout_duration_seconds',
    help: 'Time from registering the task definition to the end of the rollout.',
    labelNames: ['service', 'result'],
    buckets: [5, 15, 30, 60, 120, 300, 600, 900, 1800],
    registers: [registry],
  });
  const events = new Counter({
    name: 'ecs_gitops_events_total',
    help: 'Queue messages received, by source (github, ecr, resync, reconcile).',
    labelNames: ['source'],
    registers: [registry],
  });
  const sync = new SyncStateGauge(registry);
  const step = new Gauge({
    name: 'ecs_gitops_rollout_step',
    help: 'Info: 1 for the step of the rollout a service is in; absent when no rollout runs.',
    labelNames: ['service', 'step'],
    registers: [registry],
  });
  const queue = new Gauge({
    name: 'ecs_gitops_queue_messages',
    help: 'Approximate messages in the intake queue, by state (visible, in_flight).',
    labelNames: ['state'],
    registers: [registry],
  });
  const releaseRecords = new Counter({
    name: 'ecs_gitops_release_records_total',
    help: 'Release records (SSM) after successful rollouts, by service and outcome (written, failed, skipped).',
    labelNames: ['service', 'outcome'],
    registers: [registry],
  });
  const steps = new Map<string, RolloutStep>();

  return {
    registry,
    rolloutFinished(service, result, durationSeconds) {
      rollouts.inc({ service, result });
      duration.observe({ service, result }, durationSeconds);
    },
    event(source) {
      events.inc({ source });
    },
    syncState(service, state) {
      sync.state(service, state);
    },
    rolloutStep(service, next) {
      const previous = steps.get(service);
      if (previous !== undefined) step.remove({ service, step: previous });
      if (next === undefined) steps.delete(service);
      else {
        steps.set(service, next);
        step.set({ service, step: next }, 1);
      }
    },
    queueMessages(visible, inFlight) {
      queue.set({ state: 'visible' }, visible);
      queue.set({ state: 'in_flight' }, inFlight);
    },
    releaseRecord(service, outcome) {
      releaseRecords.inc({ service, outcome });
    },
    forget(service) {
      for (const outcome of RELEASE_RECORD_OUTCOMES) releaseRecords.remove({ service, outcome });
      for (const result of ROLLOUT_RESULTS) {
        rollouts.remove({ service, result });
        duration.remove({ service, result });
      }
      sync.forget(service);
      this.rolloutStep(service, undefined);
    },
  };
}

// Metrics of the edges (webhook, reporters) are defined here too, so every name and label of
// /metrics is in this one file. Each is created once per registry: several servers or reporters may
// share a runtime's registry (tests), and prom-client refuses a second metric of the same name.
function counterOn<L extends string>(
  registry: Registry,
  definition: { name: string; help: string; labelNames: readonly L[] },
): Counter<L> {
  const existing = registry.getSingleMetric(definition.name);
  if (existing) return existing as Counter<L>;
  return new Counter({ ...definition, registers: [registry] });
}

export const WEBHOOK_METRIC = 'ecs_gitops_webhook_deliveries_total';

/** GitHub webhook deliveries by outcome (http/webhook-route.ts). */
export function webhookDeliveriesCounter(registry: Registry): Counter<'outcome'> {
  return counterOn(registry, {
    name: WEBHOOK_METRIC,
    help: 'GitHub webhook deliveries by outcome (queued, duplicate, ignored, ping, rate-limited, bad-signature, malformed, queue-unavailable, not-configured).',
    labelNames: ['outcome'],
  });
}

/** Notifications by channel and outcome (notifications/notifier.ts). */
export function notificationsCounter(registry: Registry): Counter<'channel' | 'outcome'> {
  return counterOn(registry, {
    name: 'ecs_gitops_notifications_total',
    help: 'Notifications by channel and outcome (sent, failed, dropped).',
    labelNames: ['channel', 'outcome'],
  });
}

/** Lifecycle events reported to GitHub by outcome (github/github-reporter.ts). */
export function githubReportsCounter(registry: Registry): Counter<'outcome'> {
  return counterOn(registry, {
    name: 'ecs_gitops_github_reports_total',
    help: 'Lifecycle events reported to GitHub, by outcome (sent, failed, dropped).',
    labelNames: ['outcome'],
  });
}

/** Pin pull requests after rollbacks by outcome (github/pin-requester.ts). */
export function pinPullRequestsCounter(registry: Registry): Counter<'outcome'> {
  return counterOn(registry, {
    name: 'ecs_gitops_pin_pull_requests_total',
    help: 'Rollbacks answered with a pin pull request, by outcome (opened, already-pinned, already-open, skipped, failed, dropped).',
    labelNames: ['outcome'],
  });
}
