// What every rollout step needs: the ports, the service's config, where to report progress.
import type { Logger } from 'pino';
import type { LiveServiceEvent, ServiceConfig } from '../../domain/types.ts';
import type { CdnPort, Clock, EcsPort, VerifyProbe } from '../../ports.ts';
import type { RolloutStep } from '../status-model.ts';

export interface RolloutContext {
  service: ServiceConfig;
  ecs: EcsPort;
  cdn: CdnPort;
  probe: VerifyProbe;
  clock: Clock;
  log: Logger;
  signal: AbortSignal;
  /** Poll interval while an ECS deployment is in progress. */
  waitPollMs: number;
  onStep(step: RolloutStep): void;
  /** ECS service events seen while polling (the caller keeps the new ones). */
  onEvents(events: LiveServiceEvent[]): void;
}

/** Why a rollout did not succeed; PascalCase, stable, shown in status and metrics. */
export type FailureReason =
  | 'DeploymentFailed'
  | 'DeploymentReplaced'
  | 'RolloutTimeout'
  | 'VerifyTimeout'
  | 'VerifyWrongVersion';

export type StepOutcome = { ok: true } | { ok: false; reason: FailureReason; message: string };

/** `ecs-gitops:result` while a rollout of the revision runs (absent on revisions of older versions). */
export const RESULT_IN_PROGRESS = 'InProgress';

/** Tags the runtime adds to a revision it registered, next to ROLLOUT_TAG_KEYS, to record the outcome. */
export const RESULT_TAG_KEYS = {
  result: 'ecs-gitops:result',
  reason: 'ecs-gitops:reason',
  startedAt: 'ecs-gitops:started-at',
  finishedAt: 'ecs-gitops:finished-at',
  /** Revision that ran before: where an interrupted rollback resumes to. */
  previous: 'ecs-gitops:previous-task-definition',
} as const;
