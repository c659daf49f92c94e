// What every rollout step needs: the ports, the service's config, where to report progress.
import type { Logger } from 'pino';
import type { RolloutStep, StrategyProgress, VerifyProgress } from '../../contract/status-model.ts';
import type { FailureReason } from '../../domain/reasons.ts';
import type { RolloutTrigger } from '../../domain/rollout-trigger.ts';
import type { LiveService, ServiceConfig } from '../../domain/types.ts';
import type { AnalysisPorts, CdnPort, Clock, EcsPort, TaskLogsPort, VerifyProbe } from '../../ports.ts';
import type { DeploymentSignals } from '../deployment-signals.ts';

export interface RolloutContext {
  service: ServiceConfig;
  ecs: EcsPort;
  cdn: CdnPort;
  probe: VerifyProbe;
  /** The container logs of stopped tasks (CloudWatch Logs); absent: failures show no log lines. */
  logs?: TaskLogsPort | undefined;
  /** CloudWatch and the HTTP analysis URL, read by `rollout.analysis` (runtime/rollout/analysis.ts). */
  analysis?: AnalysisPorts | undefined;
  /** Add AWS console links to what explains a failure (aws mode; local ARNs name no real console). */
  consoleLinks: boolean;
  clock: Clock;
  log: Logger;
  signal: AbortSignal;
  /** What caused this rollout (recorded on the revision it registers); absent when resuming one. */
  trigger?: RolloutTrigger;
  /** Poll interval while an ECS deployment is in progress (a fallback when ECS events arrive). */
  waitPollMs: number;
  /** How long an ECS "minute" of bake time lasts (ECS_MINUTE_MS; the local world's is shorter); absent: 60,000 ms. */
  ecsMinuteMs?: number | undefined;
  /** Wakes the wait step when ECS reports on the service's deployment (absent: it only polls). */
  deploymentSignals?: DeploymentSignals | undefined;
  /**
   * The rollout starts waiting on something outside (ECS, a verification retry): the queue slot of its
   * message is freed for other work; the message stays in hand until the rollout ends.
   */
  waiting?(): void;
  onStep(step: RolloutStep): void;
  /** Each DescribeServices while polling: its events (the caller keeps the new ones) and task counts. */
  onObserved(live: LiveService): void;
  /** Verification progress after every probe (shown while Verifying). */
  onVerifyProgress(progress: VerifyProgress): void;
  /** The strategy gate's view of an ECS blue/green, canary or linear deployment after every look. */
  onStrategyProgress?(progress: StrategyProgress): void;
}

export type StepOutcome = { ok: true } | { ok: false; reason: FailureReason; message: string };
