// Rollout analysis (`rollout.analysis` in config), pure: what the deployer reads besides its own probes
// while ECS shifts traffic (a CloudWatch alarm set, the new revision's error rate at the load balancer, an
// HTTP analysis URL), and what each reading means. One failing source stops the deployment with rollback;
// runtime/rollout/analysis.ts reads the sources and hands the readings here.

/** `rollout.analysis` with defaults filled in. */
export interface AnalysisSettings {
  /** Seconds between two reads of the sources (the gate looks every verify interval; this throttles). */
  intervalSeconds: number;
  /** CloudWatch alarm names: one in ALARM (or missing) fails the analysis. */
  alarms?: string[];
  errorRate?: ErrorRateSettings;
  http?: { url: string; timeoutSeconds: number };
}

export interface ErrorRateSettings {
  /** The ALB's metric dimension value, `app/<name>/<id>` (loadBalancerDimension of an ARN or that form). */
  loadBalancer: string;
  /** Fail above this share of 5XX answers from the new revision's targets (0-100). */
  maxPercent: number;
  /** Judge only once the new revision's target group served this many requests since the shift began. */
  minRequests: number;
}

export const ANALYSIS_DEFAULTS = {
  intervalSeconds: 10,
  minRequests: 50,
  httpTimeoutSeconds: 5,
} as const;

/** One source's verdict: `failure` set when it says roll back; `reading` always says what was seen. */
export interface SourceVerdict {
  source: 'alarms' | 'error rate' | 'analysis URL';
  reading: string;
  failure?: string;
}

/** CloudWatch StateValue (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_MetricAlarm.html). */
export type AlarmStateValue = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

export interface AlarmReading {
  name: string;
  state: AlarmStateValue;
  /** StateReason: CloudWatch's explanation of the last transition. */
  reason?: string;
}

const REASON_CHARS = 160;

function shortText(text: string, max = REASON_CHARS): string {
  // Control characters would break a log line or the status page's text.
  const flat = text.replace(/[\p{Cc}\p{Cf}]+/gu, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/**
 * The alarm set: any alarm in ALARM fails, as ECS's deployment alarms do ("rolls back when one is in the
 * ALARM state"); INSUFFICIENT_DATA passes (an alarm without data has seen nothing bad). DescribeAlarms
 * leaves out names it does not know, and an alarm we cannot read guards nothing: a missing one fails.
 */
export function judgeAlarms(configured: readonly string[], found: readonly AlarmReading[]): SourceVerdict {
  const byName = new Map(found.map((alarm) => [alarm.name, alarm]));
  const missing = configured.filter((name) => !byName.has(name));
  if (missing.length > 0)
    return {
      source: 'alarms',
      reading: `missing: ${missing.join(', ')}`,
      failure: `CloudWatch has no alarm named ${missing.map((name) => `\`${name}\``).join(', ')} (check rollout.analysis.alarms and the region)`,
    };
  const firing = configured.flatMap((name) => {
    const alarm = byName.get(name);
    return alarm?.state === 'ALARM' ? [alarm] : [];
  });
  const reading = configured.map((name) => `${name} ${byName.get(name)?.state}`).join(', ');
  if (firing.length === 0) return { source: 'alarms', reading };
  const [first] = firing as [AlarmReading, ...AlarmReading[]];
  const why = first.reason ? ` (${shortText(first.reason)})` : '';
  return {
    source: 'alarms',
    reading,
    failure: `alarm ${firing.map((alarm) => alarm.name).join(', ')} in ALARM${why}`,
  };
}

/** Sums of the ALB's per-target-group counts over a window (RequestCount, HTTPCode_Target_5XX_Count). */
export interface TargetGroupCounts {
  requests: number;
  errors: number;
}

function percent(value: number): string {
  return `${Math.round(value * 10) / 10} %`;
}

/**
 * The new revision's error rate: 5XX answers of its targets over the requests its target group received
 * since the traffic shift began. Judged once `minRequests` arrived (a handful of requests says little).
 */
export function judgeErrorRate(
  counts: TargetGroupCounts,
  settings: Pick<ErrorRateSettings, 'maxPercent' | 'minRequests'>,
  where: string,
): SourceVerdict {
  const { requests, errors } = counts;
  if (requests < settings.minRequests)
    return {
      source: 'error rate',
      reading: `${requests} of ${settings.minRequests} requests needed on ${where}${errors > 0 ? ` (${errors} errors)` : ''}`,
    };
  const rate = (errors * 100) / requests;
  const reading = `error rate ${percent(rate)} over ${requests} requests on ${where}`;
  if (rate <= settings.maxPercent) return { source: 'error rate', reading };
  return {
    source: 'error rate',
    reading,
    failure: `error rate ${percent(rate)} > ${percent(settings.maxPercent)} over ${requests} requests on ${where}`,
  };
}

/**
 * Which target group the new revision serves from. ECS keeps a blue/green pair: the production listener
 * rule sends all traffic to one group between deployments, and the new revision's tasks join the other
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/alb-resources-for-blue-green.html). The
 * group that served no requests before the shift began is the new one. When that does not tell (one
 * group, or both idle or both busy), every group is judged: `undefined`.
 */
export function newRevisionTargetGroup(
  groups: readonly string[],
  before: Readonly<Record<string, TargetGroupCounts>>,
): string | undefined {
  if (groups.length === 1) return groups[0];
  const idle = groups.filter((group) => (before[group]?.requests ?? 0) === 0);
  return idle.length === 1 ? idle[0] : undefined;
}

/**
 * What an ALB publishes per target group (namespace AWS/ApplicationELB): RequestCount and
 * HTTPCode_Target_5XX_Count, summed over a window
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html).
 */
export const ELB_METRICS = {
  namespace: 'AWS/ApplicationELB',
  requests: 'RequestCount',
  errors: 'HTTPCode_Target_5XX_Count',
} as const;

/** `targetgroup/<name>/<id>`: the ALB TargetGroup dimension (the ARN's resource part). */
export function targetGroupDimension(arn: string): string | undefined {
  return /^arn:aws[a-z-]*:elasticloadbalancing:[^:]*:[^:]*:(targetgroup\/[^/]+\/[^/]+)$/.exec(arn)?.[1];
}

/** `app/<name>/<id>`: the ALB LoadBalancer dimension, from that form or a load balancer ARN. */
export function loadBalancerDimension(value: string): string | undefined {
  if (/^app\/[^/\s]+\/[^/\s]+$/.test(value)) return value;
  return /^arn:aws[a-z-]*:elasticloadbalancing:[^:]*:[^:]*:loadbalancer\/(app\/[^/\s]+\/[^/\s]+)$/.exec(
    value,
  )?.[1];
}

/** A target group's name for messages: `actors-green` out of its ARN. */
export function targetGroupName(arn: string): string {
  return targetGroupDimension(arn)?.split('/')[1] ?? arn;
}

/** The analysis URL's answer: 2xx passes; anything else fails, quoting the body's first line. */
export function judgeAnalysisAnswer(
  url: string,
  answer: { status: number; text: string } | { error: string },
): SourceVerdict {
  if ('error' in answer)
    return {
      source: 'analysis URL',
      reading: answer.error,
      failure: `analysis URL ${url} did not answer: ${shortText(answer.error)}`,
    };
  const line = shortText(answer.text.split(/\r?\n/, 1)[0] ?? '');
  const reading = `HTTP ${answer.status}${line ? `: ${line}` : ''}`;
  if (answer.status >= 200 && answer.status < 300) return { source: 'analysis URL', reading };
  return { source: 'analysis URL', reading, failure: `analysis URL answered ${reading}` };
}

/** The first failure among the verdicts, as the status shows it (`analysis: alarm x in ALARM`). */
export function analysisFailure(verdicts: readonly SourceVerdict[]): string | undefined {
  const failed = verdicts.find((verdict) => verdict.failure !== undefined);
  return failed ? `analysis failed: ${failed.failure}` : undefined;
}
