// What every rollout step needs: the ports, the service's config, where to report progress.
import type { Logger } from 'pino';
import type { RolloutStep } from '../../contract/status-model.ts';
import type { FailureReason } from '../../domain/reasons.ts';
import type { LiveServiceEvent, ServiceConfig } from '../../domain/types.ts';
import type { CdnPort, Clock, EcsPort, VerifyProbe } from '../../ports.ts';
import type { DeploymentSignals } from '../deployment-signals.ts';

export interface RolloutContext {
  service: ServiceConfig;
  ecs: EcsPort;
  cdn: CdnPort;
  probe: VerifyProbe;
  clock: Clock;
  log: Logger;
  signal: AbortSignal;
  /** Poll interval while an ECS deployment is in progress (a fallback when ECS events arrive). */
  waitPollMs: number;
  /** Wakes the wait step when ECS reports on the service's deployment (absent: it only polls). */
  deploymentSignals?: DeploymentSignals | undefined;
  onStep(step: RolloutStep): void;
  /** ECS service events seen while polling (the caller keeps the new ones). */
  onEvents(events: LiveServiceEvent[]): void;
}

export type StepOutcome = { ok: true } | { ok: false; reason: FailureReason; message: string };
