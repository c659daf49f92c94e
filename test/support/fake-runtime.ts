// An in-memory DeployerRuntime for HTTP, dashboard and CLI tests: holds a DeployerStatus you can
// change, records every call, notifies subscribers, and can be told to fail or hang where the real
// runtime would (queue unreachable, unknown service).
import { Counter, Registry } from 'prom-client';
import type { ServiceHistory } from '../../deployer/contract/history-model.ts';
import type { RollbackPlan } from '../../deployer/contract/rollback-plan.ts';
import type { DeployerStatus, ServiceStatus } from '../../deployer/contract/status-model.ts';
import { DeployerError } from '../../deployer/domain/errors.ts';
import type { QueueMessage } from '../../deployer/domain/types.ts';
import type { DeployerRuntime, EnqueueResult } from '../../deployer/runtime/runtime.ts';

export const FAKE_DIGEST_V1 = `sha256:${'1'.repeat(64)}`;
export const FAKE_DIGEST_V2 = `sha256:${'2'.repeat(64)}`;
const FAKE_TIME = '2026-01-01T00:00:00.000Z';

/** A plausible Synced service; override any field. */
export function fakeServiceStatus(name: string, overrides: Partial<ServiceStatus> = {}): ServiceStatus {
  const image = `000000000000.dkr.ecr.us-east-1.amazonaws.com/${name}@${FAKE_DIGEST_V1}`;
  return {
    name,
    desired: {
      image,
      digest: FAKE_DIGEST_V1,
      tag: '1.0.0',
      reason: 'highest match for ^1.0.0',
      policy: { semver: '^1.0.0' },
    },
    live: {
      image,
      digest: FAKE_DIGEST_V1,
      taskDefinitionArn: `arn:aws:ecs:us-east-1:0:task-definition/${name}:1`,
    },
    sync: {
      state: 'Synced',
      reason: 'RolloutSucceeded',
      message: 'live image is the desired one',
      since: FAKE_TIME,
    },
    suspended: false,
    currentRollout: null,
    recentRollouts: [],
    failedDigests: [],
    events: [],
    lastReconciledAt: FAKE_TIME,
    tasks: { desired: 1, running: 1, pending: 0, observedAt: FAKE_TIME },
    ...overrides,
  };
}

/** A status with the given services (default: one `actors`). */
export function fakeDeployerStatus(overrides: Partial<DeployerStatus> = {}): DeployerStatus {
  return {
    mode: 'local',
    version: '0.0.0-test',
    startedAt: FAKE_TIME,
    config: {
      revision: 'abc123',
      lastAppliedRevision: 'abc123',
      headRevision: null,
      readAt: null,
      lastAttemptedRevision: 'abc123',
      errors: [],
    },
    queue: { visible: 0, inFlight: 0 },
    services: [fakeServiceStatus('actors')],
    ...overrides,
  };
}

export type FakeCall =
  | { method: 'start' | 'stop' }
  | { method: 'enqueue'; message: QueueMessage }
  | { method: 'sync'; service: string; caller?: string; overrideWindow?: boolean }
  | { method: 'history'; service: string; limit: number }
  | { method: 'approve'; service: string; verdict: 'Approved' | 'Rejected'; by: string }
  | { method: 'refresh' }
  | { method: 'rollback'; service: string; to: string | undefined; dryRun?: true; caller?: string }
  | { method: 'suspend'; service: string }
  | { method: 'resume'; service: string; caller?: string };

export interface FakeRuntimeOptions {
  status?: DeployerStatus;
  /** Whether ready() is true; default true. */
  ready?: boolean;
}

export interface FakeRuntime extends DeployerRuntime {
  /** Every call, in order. */
  readonly calls: FakeCall[];
  /** Messages accepted by enqueue() (repeats of a git-push delivery id are not added again). */
  readonly enqueued: QueueMessage[];
  setReady(ready: boolean): void;
  /** Replaces the whole status and notifies subscribers. */
  setStatus(status: DeployerStatus): void;
  /** Patches one service (it must exist) and notifies subscribers. */
  updateService(name: string, patch: Partial<ServiceStatus>): void;
  /**
   * How enqueue() behaves: `ok` (default), `fail` (rejects like an unreachable queue, retryable 503),
   * `hang` (never resolves unless its AbortSignal fires).
   */
  setEnqueueBehaviour(behaviour: 'ok' | 'fail' | 'hang'): void;
  /**
   * Holds every enqueue() until the returned release() is called (in-flight requests during shutdown):
   * the test decides when the queue answers, no timing involved.
   */
  holdEnqueue(): () => void;
  /** What refresh() reports for a valid config (a rejected one is reported when config.errors is set). */
  setRefreshOutcome(outcome: 'applied' | 'unchanged'): void;
  /** What history(service) answers for `history.service` (default: one live revision). */
  setHistory(history: ServiceHistory): void;
  /** Number of live subscribers (to check that SSE connections unsubscribe). */
  subscriberCount(): number;
}

export function createFakeRuntime(options: FakeRuntimeOptions = {}): FakeRuntime {
  let status = structuredClone(options.status ?? fakeDeployerStatus());
  let ready = options.ready ?? true;
  let enqueueBehaviour: 'ok' | 'fail' | 'hang' = 'ok';
  let enqueueHeld: Promise<void> | undefined;
  let refreshOutcome: 'applied' | 'unchanged' = 'unchanged';
  const calls: FakeCall[] = [];
  const histories = new Map<string, ServiceHistory>();
  const enqueued: QueueMessage[] = [];
  const seenDeliveries = new Set<string>();
  const listeners = new Set<(status: DeployerStatus) => void>();
  const metrics = new Registry();
  const requests = new Counter({
    name: 'ecs_gitops_fake_calls_total',
    help: 'Calls made to the fake runtime',
    labelNames: ['method'],
    registers: [metrics],
  });

  const record = (call: FakeCall) => {
    calls.push(call);
    requests.inc({ method: call.method });
  };
  const notify = () => {
    for (const listener of listeners) listener(structuredClone(status));
  };
  const requireService = (name: string): ServiceStatus => {
    const service = status.services.find((candidate) => candidate.name === name);
    if (!service) throw new DeployerError('SERVICE_NOT_FOUND', `no service named '${name}' in the config`);
    return service;
  };
  const aborted = (signal: AbortSignal) =>
    new DeployerError('ABORTED', 'the operation was aborted', { cause: signal.reason });

  return {
    calls,
    enqueued,
    metrics,
    async start() {
      record({ method: 'start' });
    },
    async stop() {
      record({ method: 'stop' });
    },
    ready: () => ready,
    async readiness() {
      const message = ready ? 'ok' : 'the fake runtime is told it is not ready';
      return { ready, checks: [{ name: 'started', ok: ready, message }] };
    },
    async refresh() {
      record({ method: 'refresh' });
      const outcome = status.config.errors.length > 0 ? 'rejected' : refreshOutcome;
      return { outcome, config: structuredClone(status.config) };
    },
    status: () => structuredClone(status),
    serviceStatus(name) {
      const service = status.services.find((candidate) => candidate.name === name);
      return service ? structuredClone(service) : undefined;
    },
    async enqueue(message: QueueMessage, signal: AbortSignal): Promise<EnqueueResult> {
      record({ method: 'enqueue', message });
      if (enqueueBehaviour === 'fail')
        throw new DeployerError('AWS_UNAVAILABLE', 'sqs:SendMessage failed: connect ECONNREFUSED');
      if (enqueueBehaviour === 'hang') {
        await new Promise((_, reject) => {
          if (signal.aborted) reject(aborted(signal));
          signal.addEventListener('abort', () => reject(aborted(signal)), { once: true });
        });
      }
      await enqueueHeld;
      if (message.kind === 'git-push') {
        if (seenDeliveries.has(message.deliveryId)) return { queued: false };
        seenDeliveries.add(message.deliveryId);
      }
      enqueued.push(message);
      return { queued: true };
    },
    async sync(service, _signal, caller, options = {}) {
      record({
        method: 'sync',
        service,
        ...(caller ? { caller } : {}),
        ...(options.overrideWindow ? { overrideWindow: true } : {}),
      });
      requireService(service);
    },
    async approve(service, verdict, by) {
      record({ method: 'approve', service, verdict, by });
      const current = requireService(service);
      const held = current.gate;
      if (!held)
        throw new DeployerError('NOTHING_TO_APPROVE', `no rollout of "${service}" is held by a gate`);
      delete current.gate;
      notify();
      return { digest: held.digest };
    },
    async rollback(service, to, _signal, options = {}) {
      record({
        method: 'rollback',
        service,
        to,
        ...(options.dryRun ? { dryRun: true } : {}),
        ...(options.caller ? { caller: options.caller } : {}),
      });
      const current = requireService(service);
      const family = service;
      const plan: RollbackPlan = {
        service,
        from: {
          taskDefinitionArn: current.live?.taskDefinitionArn ?? '',
          revision: `${family}:2`,
          image: null,
        },
        to: {
          taskDefinitionArn: `arn:aws:ecs:us-east-1:0:task-definition/${family}:1`,
          revision: to && /:\d+$/.test(to) ? to : `${family}:1`,
          image: current.live?.image ?? null,
        },
        dryRun: options.dryRun === true,
      };
      if (!options.dryRun) {
        current.suspended = true;
        notify();
      }
      return plan;
    },
    async history(service, limit) {
      record({ method: 'history', service, limit });
      const current = requireService(service);
      const arn = current.live?.taskDefinitionArn ?? `arn:aws:ecs:us-east-1:0:task-definition/${service}:1`;
      const history: ServiceHistory = histories.get(service) ?? {
        service,
        cluster: 'gitops',
        ecsService: service,
        family: service,
        liveTaskDefinitionArn: arn,
        revisions: [
          {
            taskDefinitionArn: arn,
            revision: `${service}:1`,
            live: true,
            image: current.live?.image ?? null,
            links: {},
          },
        ],
        more: 0,
      };
      return structuredClone(history);
    },
    suspend(service) {
      record({ method: 'suspend', service });
      requireService(service).suspended = true;
      notify();
    },
    async resume(service, _signal, caller) {
      record({ method: 'resume', service, ...(caller ? { caller } : {}) });
      const current = requireService(service);
      // As the runtime: nothing to lift is an error the API answers 409 (operations.ts).
      if (!current.suspended)
        throw new DeployerError(
          'NOT_SUSPENDED',
          `${service} is not suspended, so there is nothing to resume`,
        );
      current.suspended = false;
      notify();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    setHistory(history) {
      histories.set(history.service, structuredClone(history));
    },
    setRefreshOutcome(outcome) {
      refreshOutcome = outcome;
    },
    setReady(value) {
      ready = value;
    },
    setStatus(next) {
      status = structuredClone(next);
      notify();
    },
    updateService(name, patch) {
      Object.assign(requireService(name), structuredClone(patch));
      notify();
    },
    setEnqueueBehaviour(behaviour) {
      enqueueBehaviour = behaviour;
    },
    holdEnqueue() {
      let release = () => {};
      enqueueHeld = new Promise((resolve) => {
        release = () => {
          enqueueHeld = undefined;
          resolve();
        };
      });
      return release;
    },
    subscriberCount: () => listeners.size,
  };
}
