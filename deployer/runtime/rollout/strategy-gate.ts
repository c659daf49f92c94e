// Our verification as the gate of an ECS blue/green, canary or linear deployment. While the wait step
// polls ECS, the gate reads the service deployment's lifecycle stage (DescribeServiceDeployments), probes
// the new revision where the stage lets it (through the test header during test traffic, through
// production during a canary or linear shift and the bake), and counts which digest answers. A bad answer
// from the new revision rolls the deployment back at once: ContinueServiceDeployment ROLLBACK when our
// PAUSE hook holds it at test traffic (test-traffic-hold.ts), StopServiceDeployment ROLLBACK otherwise.
// Enough good test answers release the hold (ContinueServiceDeployment CONTINUE); otherwise ECS finishes
// by itself. Decisions are domain/strategy-gate.ts's; this file only looks and acts.
import type { StrategyProgress } from '../../contract/status-model.ts';
import { isDeployerError } from '../../domain/errors.ts';
import {
  describePhase,
  EMPTY_TALLY,
  type GateTally,
  holdDecision,
  judgeStrategyProbe,
  type LiveServiceDeployment,
  phaseMinutes,
  probeTargets,
  tallyProbe,
} from '../../domain/strategy-gate.ts';
import { rolloutAnalysis } from './analysis.ts';
import type { RolloutContext } from './rollout-context.ts';

export interface StrategyGate {
  /** How often to look (the verify interval): faster than the wait's fallback poll. */
  pollMs: number;
  /** One look: undefined to keep waiting, or why the deployment was stopped (ECS is rolling back). */
  check(): Promise<string | undefined>;
}

type ProbeAnswer = { status: number; body: unknown } | { error: string };

/** The gate for this rollout, or undefined when the service has no traffic-shifting strategy or no verify. */
export function strategyGate(ctx: RolloutContext, digest: string): StrategyGate | undefined {
  const strategy = ctx.service.rollout.strategy;
  const verify = ctx.service.verify;
  const ecs = ctx.ecs;
  if (!strategy || strategy.strategy === 'rolling' || !verify || !ecs.currentServiceDeployment)
    return undefined;
  if (!ecs.rollBackServiceDeployment) return undefined;
  const shifting = strategy.strategy;
  const settings = strategy;
  const url = verify.url;
  const testHeaders =
    strategy.testTraffic && 'header' in strategy.testTraffic
      ? { [strategy.testTraffic.header.name]: strategy.testTraffic.header.value }
      : {};
  let tally: GateTally = EMPTY_TALLY;
  let stopped: string | undefined;
  /** The hook we released: a describe that still shows it awaiting must not release it twice. */
  let released: string | undefined;
  const { cluster, service } = ctx.service;
  // rollout.analysis (CloudWatch alarms, the load balancer's error rate, an analysis URL): read at every
  // look while the deployment runs; a failure rolls back like a failed probe.
  const analysis = rolloutAnalysis(ctx);

  async function probe(target: 'test' | 'production'): Promise<ProbeAnswer> {
    const headers = target === 'test' ? testHeaders : {};
    return ctx.probe.get(url, ctx.signal, headers).catch((error: unknown) => {
      if (isDeployerError(error) && error.code === 'ABORTED') throw error;
      return { error: (error as Error).message };
    });
  }

  /** Rolls back: through the PAUSE hook that holds the deployment, or by stopping it. */
  async function rollBack(deployment: LiveServiceDeployment, reason: string): Promise<void> {
    stopped = `${(deployment.lifecycleStage ?? 'deployment').toLowerCase().replaceAll('_', ' ')}: ${reason}`;
    const hookId = deployment.awaitingHookId;
    const via =
      hookId && ecs.continueServiceDeployment ? 'ContinueServiceDeployment' : 'StopServiceDeployment';
    ctx.log.warn(
      { serviceDeploymentArn: deployment.arn, stage: deployment.lifecycleStage, reason, via },
      'strategy gate: rolling the ECS deployment back',
    );
    if (hookId && ecs.continueServiceDeployment)
      await ecs.continueServiceDeployment(deployment.arn, hookId, 'ROLLBACK', ctx.signal);
    else await ecs.rollBackServiceDeployment?.(deployment.arn, ctx.signal);
  }

  // The phase timer (bake, canary bake, linear step bake): DescribeServiceDeployments says which stage
  // runs, not since when, so it counts from the first look that saw the phase.
  let phaseKey: string | undefined;
  let phaseEndsAt: number | undefined;
  function phaseDeadline(deployment: LiveServiceDeployment): number | undefined {
    const key = `${deployment.lifecycleStage}/${deployment.productionPercent}`;
    if (key !== phaseKey) {
      phaseKey = key;
      const minutes = phaseMinutes(settings, deployment);
      phaseEndsAt =
        minutes === undefined ? undefined : ctx.clock.now().getTime() + minutes * (ctx.ecsMinuteMs ?? 60_000);
    }
    return phaseEndsAt;
  }

  function report(deployment: LiveServiceDeployment): void {
    const stage = deployment.lifecycleStage;
    const endsAt = phaseDeadline(deployment);
    const progress: StrategyProgress = {
      strategy: shifting,
      serviceDeploymentArn: deployment.arn,
      ...(stage && { stage }),
      phase: describePhase(settings, deployment),
      ...(endsAt !== undefined && { phaseEndsAt: new Date(endsAt).toISOString() }),
      ...(deployment.productionPercent !== undefined && { productionPercent: deployment.productionPercent }),
      ...(deployment.testPercent !== undefined && { testPercent: deployment.testPercent }),
      newAnswers: tally.newOk,
      oldAnswers: tally.old,
    };
    ctx.onStrategyProgress?.(progress);
  }

  return {
    pollMs: verify.intervalSeconds * 1000,
    async check() {
      if (stopped) return stopped;
      const deployment = await ecs.currentServiceDeployment?.(cluster, service, ctx.signal);
      if (!deployment) return undefined;
      const stage = deployment.lifecycleStage;
      // Every reason to roll back found in this look; the first one is acted on. (Further checks, such as
      // an analysis of alarms or error rates, add theirs here and are treated like a failed probe.)
      const failures: string[] = [];
      for (const target of stage ? probeTargets(stage, shifting, strategy.testTraffic) : []) {
        const verdict = judgeStrategyProbe(target, stage ?? '', digest, await probe(target));
        const judged = tallyProbe(tally, verdict, verify.successes, target);
        tally = judged.tally;
        if (judged.stop) failures.push(judged.stop);
      }
      if (failures.length === 0) {
        const analysisFailure = await analysis?.check(ctx.signal);
        if (analysisFailure) failures.push(analysisFailure);
      }
      const [failure] = failures;
      if (failure) await rollBack(deployment, failure);
      else {
        const hold = holdDecision(deployment, tally, verify.successes);
        if (hold.kind === 'continue' && hold.hookId !== released && ecs.continueServiceDeployment) {
          released = hold.hookId;
          ctx.log.info(
            { serviceDeploymentArn: deployment.arn, testAnswers: tally.testOk },
            'strategy gate: test traffic verified, letting ECS shift production traffic',
          );
          await ecs.continueServiceDeployment(deployment.arn, hold.hookId, 'CONTINUE', ctx.signal);
        }
      }
      report(deployment);
      return stopped;
    },
  };
}
