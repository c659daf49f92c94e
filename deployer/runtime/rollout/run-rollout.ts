// Runs a rollout (fresh, resumed, or a pending CDN invalidation) with progress in the status and the
// metrics, and turns its end into history and a status verdict (record-outcome.ts).
import type { Logger } from 'pino';
import type { ImageStatus } from '../../contract/status-model.ts';
import type { RolloutTrigger } from '../../domain/rollout-trigger.ts';
import type { LiveImage, ServiceConfig } from '../../domain/types.ts';
import type {
  AnalysisPorts,
  CdnPort,
  Clock,
  EcsPort,
  ReleaseRecordPort,
  TaskLogsPort,
  VerifyProbe,
} from '../../ports.ts';
import type { DeploymentSignals } from '../deployment-signals.ts';
import type { DeployerMetrics } from '../metrics.ts';
import type { ServiceEvents } from '../service-events.ts';
import type { StatusStore } from '../status-store.ts';
import type { DeployResult } from './deploy.ts';
import { type ActOutcome, recordOutcome } from './record-outcome.ts';
import type { RolloutContext } from './rollout-context.ts';

export interface RunnerDeps {
  ecs: EcsPort;
  cdn: CdnPort;
  probe: VerifyProbe;
  clock: Clock;
  store: StatusStore;
  metrics: DeployerMetrics;
  events: ServiceEvents;
  waitPollMs: number;
  /** Wakes a waiting rollout on an ECS deployment event. */
  deploymentSignals?: DeploymentSignals | undefined;
  /** Where a successful rollout records what runs (record-release.ts); absent: nowhere. */
  releaseRecords?: ReleaseRecordPort | undefined;
  /** Container logs of stopped tasks, to explain a failed rollout; absent: no log lines. */
  taskLogs?: TaskLogsPort | undefined;
  /** CloudWatch and the HTTP analysis URL for `rollout.analysis`; absent: an analysis fails for want of them. */
  analysis?: AnalysisPorts | undefined;
  /** AWS console links in a failure's explanation (aws mode only). */
  consoleLinks?: boolean | undefined;
  /** How long an ECS minute of bake time lasts (the phase countdown); absent: a real minute. */
  ecsMinuteMs?: number | undefined;
}

export interface RolloutRun {
  config: ServiceConfig;
  configRevision: string;
  live: LiveImage;
  rolloutId: string;
  digest: string;
  /** The image rolled out; absent when resuming (the live revision is the one being rolled out). */
  to?: ImageStatus;
  /** What caused the rollout; absent when resuming (the revision keeps the first attempt's). */
  trigger?: RolloutTrigger;
  /** Frees the queue slot this rollout's message holds once it waits (absent: nothing to free). */
  releaseSlot?: () => void;
}

/** What every rollout step needs, reporting its steps to the status and the metrics. */
export function rolloutContext(
  deps: RunnerDeps,
  config: ServiceConfig,
  signal: AbortSignal,
  log: Logger,
  extras: Pick<RolloutRun, 'trigger' | 'releaseSlot'> = {},
): RolloutContext {
  const { trigger } = extras;
  const { store, metrics } = deps;
  // A resumed rollback starts at RollingBack: which step failed is not known to this process then.
  let stepped = false;
  return {
    ...(trigger ? { trigger } : {}),
    service: config,
    ecs: deps.ecs,
    cdn: deps.cdn,
    probe: deps.probe,
    logs: deps.taskLogs,
    analysis: deps.analysis,
    consoleLinks: deps.consoleLinks === true,
    clock: deps.clock,
    log,
    signal,
    waitPollMs: deps.waitPollMs,
    ecsMinuteMs: deps.ecsMinuteMs,
    deploymentSignals: deps.deploymentSignals,
    waiting: () => extras.releaseSlot?.(),
    onStep: (step) => {
      store.update(config.name, (service) => {
        const current = service.currentRollout;
        if (!current) return;
        // The step a rollback starts from is the one that failed: the steps after it never ran.
        if (step === 'RollingBack' && stepped && current.step !== 'RollingBack')
          current.failedStep = current.step;
        current.step = step;
      });
      stepped = true;
      metrics.rolloutStep(config.name, step);
      log.debug({ step }, 'rollout step');
    },
    onObserved: (live) => deps.events.record(config.name, live, log, deps.clock.now()),
    onStrategyProgress: (progress) => {
      store.update(config.name, (service) => {
        if (service.currentRollout) service.currentRollout.strategy = progress;
      });
      log.debug(
        { stage: progress.stage, phase: progress.phase, productionPercent: progress.productionPercent },
        'strategy gate look',
      );
    },
    onVerifyProgress: (progress) => {
      store.update(config.name, (service) => {
        if (service.currentRollout) service.currentRollout.verify = progress;
      });
      log.debug(
        { probe: progress.probe, streak: progress.streak, answer: progress.lastAnswer },
        'verify probe',
      );
    },
  };
}

export async function runRollout(
  deps: RunnerDeps,
  run: RolloutRun,
  signal: AbortSignal,
  log: Logger,
  steps: (ctx: RolloutContext) => Promise<DeployResult>,
): Promise<ActOutcome> {
  const { store, metrics, clock } = deps;
  const { config, live } = run;
  // The tag reconcile found for the live digest, so the rollout's `from` keeps its name in history.
  const known = store.service(config.name)?.live;
  const liveTag = live.digest && known?.digest === live.digest ? known.tag : undefined;
  const from: ImageStatus = {
    image: live.image,
    taskDefinitionArn: live.taskDefinitionArn,
    ...(live.digest ? { digest: live.digest } : {}),
    ...(liveTag ? { tag: liveTag } : {}),
  };
  const to = run.to ?? { image: live.image, digest: run.digest };
  // Progress, not the verdict: the dashboard shows the rollout while it runs.
  store.rolloutStarted(
    config.name,
    {
      id: run.rolloutId,
      step: 'Registering',
      startedAt: clock.now().toISOString(),
      from: run.to ? from : null,
      to,
      ...(run.trigger ? { trigger: run.trigger } : {}),
    },
    `rolling out ${run.digest.slice(0, 19)}`,
  );
  metrics.syncState(config.name, 'Progressing');
  const outcome = await steps(rolloutContext(deps, config, signal, log, run));
  // Why it failed stays on the service until a rollout succeeds (a blocked retry still shows it).
  store.update(config.name, (service) => {
    if (outcome.explained) service.lastFailure = outcome.explained;
    else if (outcome.result === 'Succeeded') delete service.lastFailure;
  });
  return recordOutcome(
    { ecs: deps.ecs, store, metrics, log, signal, releaseRecords: deps.releaseRecords },
    {
      config,
      configRevision: run.configRevision,
      rolloutId: run.rolloutId,
      digest: run.digest,
      ...(run.trigger ? { trigger: run.trigger } : {}),
    },
    { from: run.to ? from : null, to },
    outcome,
  );
}
