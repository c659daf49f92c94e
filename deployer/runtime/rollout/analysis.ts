// `rollout.analysis` while ECS shifts traffic: the strategy gate calls check() at every look; at most every
// intervalSeconds it reads the configured sources (CloudWatch alarms, the new revision's error rate at the
// load balancer, the HTTP analysis URL) and returns why to roll back when one fails. What a reading means
// is domain/analysis.ts's; this file only reads. A source that cannot be read for READ_FAILURES_TO_FAIL
// looks in a row fails too: an analysis nobody can read protects nothing.
import {
  type AnalysisSettings,
  analysisFailure,
  judgeAlarms,
  judgeAnalysisAnswer,
  judgeErrorRate,
  loadBalancerDimension,
  newRevisionTargetGroup,
  type SourceVerdict,
  type TargetGroupCounts,
  targetGroupName,
} from '../../domain/analysis.ts';
import { isDeployerError } from '../../domain/errors.ts';
import type { RolloutContext } from './rollout-context.ts';

/** Reads of one source that may fail in a row (CloudWatch throttling, a blip) before the analysis fails. */
const READ_FAILURES_TO_FAIL = 3;
/** How far back "before the shift" looks to tell the idle target group (the new revision's) from the busy one. */
const BEFORE_SHIFT_MS = 10 * 60_000;

export interface RolloutAnalysis {
  /** One look: undefined while every source passes (or it is not time to read), else why to roll back. */
  check(signal: AbortSignal): Promise<string | undefined>;
  /** The newest readings, one per source (for the status and the log). */
  readings(): readonly SourceVerdict[];
}

/** The analysis of this rollout, or undefined when the service configures none. */
export function rolloutAnalysis(ctx: RolloutContext): RolloutAnalysis | undefined {
  const settings = ctx.service.rollout.analysis;
  if (!settings) return undefined;
  let lastReadAt: number | undefined;
  let shiftStart: Date | undefined;
  let failure: string | undefined;
  let readings: SourceVerdict[] = [];
  const readFailures = new Map<SourceVerdict['source'], number>();
  let groups: { arns: string[]; judged: string[] } | undefined;

  /** A source read that threw: a reading, and a failure once it failed READ_FAILURES_TO_FAIL times in a row. */
  const unreadable = (source: SourceVerdict['source'], error: unknown): SourceVerdict => {
    if (isDeployerError(error) && error.code === 'ABORTED') throw error;
    const count = (readFailures.get(source) ?? 0) + 1;
    readFailures.set(source, count);
    const message = (error as Error).message;
    return count >= READ_FAILURES_TO_FAIL
      ? { source, reading: message, failure: `${source} unreadable ${count} times in a row: ${message}` }
      : { source, reading: `not read (${message})` };
  };
  const read = async (
    source: SourceVerdict['source'],
    reader: () => Promise<SourceVerdict>,
  ): Promise<SourceVerdict> => {
    try {
      const verdict = await reader();
      readFailures.delete(source);
      return verdict;
    } catch (error) {
      return unreadable(source, error);
    }
  };

  const alarms = async (names: string[], signal: AbortSignal) => {
    const metrics = ctx.analysis?.metrics;
    if (!metrics) throw new Error('the deployer has no CloudWatch client');
    return judgeAlarms(names, await metrics.alarms(names, signal));
  };

  /** The service's target groups, and which of them carry the new revision (read once, at the first look). */
  const targetGroups = async (loadBalancer: string, signal: AbortSignal) => {
    if (groups) return groups;
    const metrics = ctx.analysis?.metrics;
    if (!metrics || !shiftStart) throw new Error('the deployer has no CloudWatch client');
    const live = await ctx.ecs.describeService(ctx.service.cluster, ctx.service.service, signal);
    const arns = [
      ...new Set(
        (live.deploymentSettings?.loadBalancers ?? []).flatMap((lb) =>
          [lb.targetGroupArn, lb.alternateTargetGroupArn].filter((arn): arn is string => Boolean(arn)),
        ),
      ),
    ];
    if (arns.length === 0) throw new Error('the ECS service has no load balancer target group to read');
    const before = await metrics.targetGroupCounts(
      loadBalancer,
      arns,
      { start: new Date(shiftStart.getTime() - BEFORE_SHIFT_MS), end: shiftStart },
      signal,
    );
    const fresh = newRevisionTargetGroup(arns, before);
    groups = { arns, judged: fresh ? [fresh] : arns };
    ctx.log.info(
      { targetGroups: arns, newRevisionTargetGroup: fresh ?? 'not told apart: judging all' },
      'analysis: target groups to judge',
    );
    return groups;
  };

  const errorRate = async (
    rate: NonNullable<AnalysisSettings['errorRate']>,
    now: Date,
    signal: AbortSignal,
  ) => {
    const metrics = ctx.analysis?.metrics;
    if (!metrics || !shiftStart) throw new Error('the deployer has no CloudWatch client');
    const loadBalancer = loadBalancerDimension(rate.loadBalancer);
    if (!loadBalancer)
      throw new Error(
        `rollout.analysis.errorRate.loadBalancer ${rate.loadBalancer} is not an ALB (app/<name>/<id>)`,
      );
    const { judged } = await targetGroups(loadBalancer, signal);
    // GetMetricData wants StartTime before EndTime; a first look at the shift's start reads an empty second.
    const end = new Date(Math.max(now.getTime(), shiftStart.getTime() + 1000));
    const counts = await metrics.targetGroupCounts(loadBalancer, judged, { start: shiftStart, end }, signal);
    const verdicts = judged.map((arn) =>
      judgeErrorRate(
        counts[arn] ?? ({ requests: 0, errors: 0 } satisfies TargetGroupCounts),
        rate,
        `target group ${targetGroupName(arn)}`,
      ),
    );
    return (
      verdicts.find((verdict) => verdict.failure) ??
      verdicts[0] ?? { source: 'error rate' as const, reading: 'no target group' }
    );
  };

  const http = async (target: NonNullable<AnalysisSettings['http']>, signal: AbortSignal) => {
    const probe = ctx.analysis?.probe;
    if (!probe) throw new Error('the deployer has no HTTP client for the analysis URL');
    const answer = await probe
      .get(target.url, target.timeoutSeconds * 1000, signal)
      .catch((error: unknown) => {
        if (isDeployerError(error) && error.code === 'ABORTED') throw error;
        return { error: (error as Error).message };
      });
    return judgeAnalysisAnswer(target.url, answer);
  };

  return {
    readings: () => readings,
    async check(signal) {
      if (failure) return failure;
      const now = ctx.clock.now();
      if (lastReadAt !== undefined && now.getTime() - lastReadAt < settings.intervalSeconds * 1000)
        return undefined;
      lastReadAt = now.getTime();
      shiftStart ??= now;
      const reads: Promise<SourceVerdict>[] = [];
      if (settings.alarms) {
        const names = settings.alarms;
        reads.push(read('alarms', () => alarms(names, signal)));
      }
      if (settings.errorRate) {
        const rate = settings.errorRate;
        reads.push(read('error rate', () => errorRate(rate, now, signal)));
      }
      if (settings.http) {
        const target = settings.http;
        reads.push(read('analysis URL', () => http(target, signal)));
      }
      readings = await Promise.all(reads);
      failure = analysisFailure(readings);
      const summary = Object.fromEntries(readings.map((verdict) => [verdict.source, verdict.reading]));
      if (failure) ctx.log.warn({ readings: summary, reason: failure }, 'analysis failed');
      else ctx.log.debug({ readings: summary }, 'analysis passed');
      return failure;
    },
  };
}
