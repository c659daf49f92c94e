// The contract between the deployer's runtime (queue consumer, intake, reconciler, status store) and
// its HTTP layer (webhook, status JSON, dashboard, metrics, API). deployer/runtime implements it;
// deployer/http only talks to this interface, so HTTP tests can use a small in-memory implementation.
import type { Registry } from 'prom-client';
import type { ServiceHistory } from '../contract/history-model.ts';
import type { RollbackPlan } from '../contract/rollback-plan.ts';
import type { ConfigStatus, DeployerStatus, ServiceStatus } from '../contract/status-model.ts';
import type { QueueMessage } from '../domain/types.ts';
import type { LoadOutcome } from './intake.ts';
import type { Readiness } from './readiness.ts';

export interface EnqueueResult {
  /** False when the message was a repeat the runtime already accepted (e.g. a redelivered webhook). */
  queued: boolean;
}

export interface RefreshResult {
  /** applied: a new valid revision is in force; rejected: it is invalid, the last good one stays. */
  outcome: LoadOutcome;
  config: ConfigStatus;
}

export interface ApprovalResult {
  /** The digest approved or rejected. */
  digest: string;
}

export interface DeployerRuntime {
  /** Starts the queue consumer, the resync timer and the initial config load. */
  start(): Promise<void>;
  /** Stops receiving, finishes or releases in-flight work; resolves when nothing is running. */
  stop(): Promise<void>;
  /**
   * True once the first config is in force and the consumer runs (able to act); the status rebuild from
   * ECS goes on in the background, each service `Observing` until read.
   */
  ready(): boolean;
  /** Whether the deployer can do its job now (GET /readyz): config read, started, queue answering. */
  readiness(): Promise<Readiness>;
  /**
   * Re-reads the config source now; a new valid revision is applied and every service reconciled.
   * `caller`: the API token's name, recorded as the trigger of the rollouts it causes.
   */
  refresh(signal: AbortSignal, caller?: string): Promise<RefreshResult>;
  status(): DeployerStatus;
  serviceStatus(name: string): ServiceStatus | undefined;
  /** Puts a normalised message on the queue (webhook intake, API sync). */
  enqueue(message: QueueMessage, signal: AbortSignal): Promise<EnqueueResult>;
  /**
   * Re-read the config, then reconcile now, forgetting remembered failed digests (manual sync).
   * `overrideWindow` starts a rollout even outside the service's sync windows (logged with `caller`).
   */
  sync(
    service: string,
    signal: AbortSignal,
    caller?: string,
    options?: { overrideWindow?: boolean },
  ): Promise<void>;
  /** Approve (or reject) the digest a gate holds for the service; recorded on the live revision in ECS. */
  approve(
    service: string,
    verdict: 'Approved' | 'Rejected',
    by: string,
    signal: AbortSignal,
  ): Promise<ApprovalResult>;
  /**
   * Roll back to the previous (or the given) task definition revision, then suspend tracking; with
   * `dryRun`, only say which revision that would be. Refuses a target that is not an active revision.
   */
  rollback(
    service: string,
    to: string | undefined,
    signal: AbortSignal,
    options?: { dryRun?: boolean; caller?: string | undefined },
  ): Promise<RollbackPlan>;
  /** Runtime override; durable suspension belongs in config (`suspended: true`). */
  suspend(service: string): void;
  /** Lifts a runtime suspension and reconciles; DeployerError NOT_SUSPENDED when there is none. */
  resume(service: string, signal: AbortSignal, caller?: string): Promise<void>;
  /** The revisions of a service's family with what each rollout recorded (read from ECS). */
  history(service: string, limit: number, signal: AbortSignal): Promise<ServiceHistory>;
  /** Called after every status change (dashboard live updates). Returns an unsubscribe function. */
  subscribe(listener: (status: DeployerStatus) => void): () => void;
  /** prom-client registry holding the deployer's metrics. */
  readonly metrics: Registry;
}
