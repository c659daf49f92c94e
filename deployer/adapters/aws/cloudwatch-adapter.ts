// MetricsPort over CloudWatch: what the rollout analysis reads while ECS shifts traffic.
// - DescribeAlarms with AlarmNames (up to 100 a call) answers MetricAlarms/CompositeAlarms with StateValue
//   OK | ALARM | INSUFFICIENT_DATA and StateReason; names that do not exist are simply not in the answer
//   (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html,
//   API_MetricAlarm.html).
// - GetMetricData with MetricStat queries (Namespace AWS/ApplicationELB, Stat Sum, Period a multiple of 60)
//   answers Values per query Id (Ids start with a lower-case letter); NextToken pages the data points
//   (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html,
//   API_MetricDataQuery.html). An ALB publishes RequestCount and HTTPCode_Target_5XX_Count per target group
//   with the dimensions TargetGroup (`targetgroup/<name>/<id>`) and LoadBalancer (`app/<name>/<id>`), every
//   60 seconds and only when there is something to count
//   (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html):
//   a metric without data points sums to 0.
import {
  type CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  type MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';
import type { AlarmReading, AlarmStateValue, TargetGroupCounts } from '../../domain/analysis.ts';
import { ELB_METRICS, targetGroupDimension } from '../../domain/analysis.ts';
import type { MetricsPort } from '../../ports.ts';
import { callAws } from './map-aws-error.ts';

/** DescribeAlarms AlarmNames: "Maximum number of 100 items". */
const ALARM_NAMES_PER_CALL = 100;
const STATES: ReadonlySet<string> = new Set<AlarmStateValue>(['OK', 'ALARM', 'INSUFFICIENT_DATA']);
/** ELB reports every 60 seconds: a finer period has no more to say. */
const PERIOD_SECONDS = 60;

export class CloudWatchMetrics implements MetricsPort {
  readonly #client: CloudWatchClient;

  constructor(client: CloudWatchClient) {
    this.#client = client;
  }

  async alarms(names: readonly string[], signal: AbortSignal): Promise<AlarmReading[]> {
    const readings: AlarmReading[] = [];
    for (let at = 0; at < names.length; at += ALARM_NAMES_PER_CALL) {
      const batch = names.slice(at, at + ALARM_NAMES_PER_CALL);
      let nextToken: string | undefined;
      do {
        const output = await callAws('cloudwatch:DescribeAlarms', signal, () =>
          this.#client.send(
            new DescribeAlarmsCommand({
              AlarmNames: batch,
              // Metric alarms only: "to return information about composite alarms, you must be signed on
              // with the cloudwatch:DescribeAlarms permission that is scoped to *", and the deployer's is
              // held to alarm ARNs (infra/lib/deployer-service.ts).
              AlarmTypes: ['MetricAlarm'],
              ...(nextToken ? { NextToken: nextToken } : {}),
            }),
            { abortSignal: signal },
          ),
        );
        for (const alarm of output.MetricAlarms ?? [])
          if (alarm.AlarmName && alarm.StateValue && STATES.has(alarm.StateValue))
            readings.push({
              name: alarm.AlarmName,
              state: alarm.StateValue as AlarmStateValue,
              ...(alarm.StateReason ? { reason: alarm.StateReason } : {}),
            });
        nextToken = output.NextToken;
      } while (nextToken);
    }
    return readings;
  }

  async targetGroupCounts(
    loadBalancer: string,
    targetGroupArns: readonly string[],
    window: { start: Date; end: Date },
    signal: AbortSignal,
  ): Promise<Record<string, TargetGroupCounts>> {
    const queries: MetricDataQuery[] = [];
    const groups = targetGroupArns.map((arn, index) => ({ arn, index }));
    for (const { arn, index } of groups) {
      const targetGroup = targetGroupDimension(arn);
      if (!targetGroup) throw new Error(`not a target group ARN: ${arn}`);
      const dimensions = [
        { Name: 'TargetGroup', Value: targetGroup },
        { Name: 'LoadBalancer', Value: loadBalancer },
      ];
      for (const [id, metric] of [
        ['r', ELB_METRICS.requests],
        ['e', ELB_METRICS.errors],
      ] as const)
        queries.push({
          Id: `${id}${index}`,
          MetricStat: {
            Metric: { Namespace: ELB_METRICS.namespace, MetricName: metric, Dimensions: dimensions },
            Period: PERIOD_SECONDS,
            Stat: 'Sum',
          },
          ReturnData: true,
        });
    }
    const sums = new Map<string, number>();
    let nextToken: string | undefined;
    do {
      const output = await callAws('cloudwatch:GetMetricData', signal, () =>
        this.#client.send(
          new GetMetricDataCommand({
            MetricDataQueries: queries,
            StartTime: window.start,
            EndTime: window.end,
            ...(nextToken ? { NextToken: nextToken } : {}),
          }),
          { abortSignal: signal },
        ),
      );
      for (const result of output.MetricDataResults ?? [])
        if (result.Id)
          sums.set(
            result.Id,
            (sums.get(result.Id) ?? 0) + (result.Values ?? []).reduce((total, value) => total + value, 0),
          );
      nextToken = output.NextToken;
    } while (nextToken);
    return Object.fromEntries(
      groups.map(({ arn, index }) => [
        arn,
        { requests: sums.get(`r${index}`) ?? 0, errors: sums.get(`e${index}`) ?? 0 },
      ]),
    );
  }
}
