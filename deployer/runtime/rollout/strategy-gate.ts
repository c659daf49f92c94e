// Our verification as the gate of an ECS blue/green, canary or linear deployment. While the wait step
// polls ECS, the gate reads the service deployment's lifecycle stage (DescribeServiceDeployments), probes
// the new revision where the stage lets it (through the test header during test traffic, through
// production during a canary or linear shift and the bake), counts which digest answers, and on a bad
// answer from the new revision calls StopServiceDeployment with ROLLBACK so ECS moves traffic back at
// once. On success it does nothing: ECS finishes by itself. Decisions are domain/strategy-gate.ts's.
import type { StrategyProgress } from '../../contract/status-model.ts';
import { isDeployerError } from '../../domain/errors.ts';
import {
  describePhase,
  EMPTY_TALLY,
  type GateTally,
  judgeStrategyProbe,
  probeTarget,
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

/** The gate for this rollout, or undefined when the service has no traffic-shifting strategy or no verify. */
export function strategyGate(ctx: RolloutContext, digest: string): StrategyGate | undefined {
  const strategy = ctx.service.rollout.strategy;
  const verify = ctx.service.verify;
  const current = ctx.ecs.currentServiceDeployment?.bind(ctx.ecs);
  const stop = ctx.ecs.rollBackServiceDeployment?.bind(ctx.ecs);
  if (!strategy || strategy.strategy === 'rolling' || !verify || !current || !stop) return undefined;
  const shifting = strategy.strategy;
  let tally: GateTally = EMPTY_TALLY;
  let stopped: string | undefined;
  const { cluster, service } = ctx.service;
  // rollout.analysis (CloudWatch alarms, the load balancer's error rate, an analysis URL): read at every
  // look while the deployment runs; a failure stops it like a failed probe.
  const analysis = rolloutAnalysis(ctx);
  return {
    pollMs: verify.intervalSeconds * 1000,
    async check() {
      if (stopped) return stopped;
      const deployment = await current(cluster, service, ctx.signal);
      if (!deployment) return undefined;
      const stage = deployment.lifecycleStage;
      const target = probeTarget(stage, shifting, strategy.testTraffic);
      if (target && stage) {
        const headers =
          target === 'test' && strategy.testTraffic && 'header' in strategy.testTraffic
            ? { [strategy.testTraffic.header.name]: strategy.testTraffic.header.value }
            : {};
        const answer = await ctx.probe.get(verify.url, ctx.signal, headers).catch((error: unknown) => {
          if (isDeployerError(error) && error.code === 'ABORTED') throw error;
          return { error: (error as Error).message };
        });
        const judged = tallyProbe(tally, judgeStrategyProbe(target, stage, digest, answer), verify.successes);
        tally = judged.tally;
        if (judged.stop) {
          stopped = `${stage.toLowerCase().replaceAll('_', ' ')}: ${judged.stop}`;
          ctx.log.warn(
            { serviceDeploymentArn: deployment.arn, stage, reason: judged.stop },
            'strategy gate: stopping the ECS deployment with rollback',
          );
          await stop(deployment.arn, ctx.signal);
        }
      }
      const failure = stopped ? undefined : await analysis?.check(ctx.signal);
      if (failure) {
        stopped = `${describePhase(strategy, deployment)}: ${failure}`;
        ctx.log.warn(
          { serviceDeploymentArn: deployment.arn, stage, reason: failure },
          'strategy gate: analysis failed, stopping the ECS deployment with rollback',
        );
        await stop(deployment.arn, ctx.signal);
      }
      const progress: StrategyProgress = {
        strategy: shifting,
        serviceDeploymentArn: deployment.arn,
        ...(stage && { stage }),
        phase: describePhase(strategy, deployment),
        ...(deployment.productionPercent !== undefined && {
          productionPercent: deployment.productionPercent,
        }),
        ...(deployment.testPercent !== undefined && { testPercent: deployment.testPercent }),
        newAnswers: tally.newOk,
        oldAnswers: tally.old,
      };
      ctx.onStrategyProgress?.(progress);
      return stopped;
    },
  };
}
