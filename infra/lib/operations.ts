import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { IntakeQueue } from './intake-queue.ts';

export interface WatchedService {
  service: ecs.FargateService;
  targetGroup: elbv2.ApplicationTargetGroup;
  /**
   * The second group when ECS shifts the service's traffic (blue-green, linear, canary): the two swap
   * roles at every deployment, so the alarms add both up.
   */
  alternateTargetGroup?: elbv2.ApplicationTargetGroup;
  /** Fewer running tasks than this for 3 minutes alarms. */
  minRunning: number;
  /** Roll ECS deployments of this service back when its target alarms fire. */
  rollbackOnAlarm: boolean;
}

export interface OperationsProps {
  intake: IntakeQueue;
  services: Record<string, WatchedService>;
}

/** The metric of the service's target group, or the sum over both when ECS shifts traffic between two. */
function acrossGroups(
  watched: WatchedService,
  metric: (group: elbv2.ApplicationTargetGroup) => cloudwatch.Metric,
): cloudwatch.IMetric {
  const alternate = watched.alternateTargetGroup;
  if (!alternate) return metric(watched.targetGroup);
  return new cloudwatch.MathExpression({
    expression: 'FILL(a, 0) + FILL(b, 0)',
    usingMetrics: { a: metric(watched.targetGroup), b: metric(alternate) },
    period: Duration.minutes(1),
    label: 'both target groups',
  });
}

/**
 * Every alarm notifies one SNS topic (the `AlarmTopicArn` output: subscribe an address to it).
 * Target 5xx and unhealthy hosts also drive ECS deployment alarms, so a rollout that breaks the
 * service is rolled back by ECS even when the deployer is not watching
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-alarm-failure.html).
 */
export class Operations extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'Alarms', { displayName: 'ecs-gitops alarms', enforceSSL: true });
    const { intake } = props;

    this.alarm('IntakeDeadLetters', {
      metric: intake.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
      }),
      threshold: 1,
      alarmDescription:
        'Intake messages failed 5 times and sit in ecs-gitops-dlq.fifo: read them, fix, redrive.',
    });
    this.alarm('RuleDeadLetters', {
      metric: intake.ruleDeadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
      }),
      threshold: 1,
      alarmDescription:
        'EventBridge could not deliver ECR push events to the intake queue (see ecs-gitops-rule-dlq).',
    });
    this.alarm('RuleFailedInvocations', {
      metric: new cloudwatch.Metric({
        namespace: 'AWS/Events',
        metricName: 'FailedInvocations',
        dimensionsMap: { RuleName: intake.ecrPushRule.ruleName },
        statistic: 'Sum',
        period: Duration.minutes(1),
      }),
      threshold: 1,
      alarmDescription:
        'The ECR push rule failed to invoke its SQS target: pushes are not reaching the deployer.',
    });

    for (const [name, watched] of Object.entries(props.services)) {
      const target5xx = this.alarm(`${name}Target5xx`, {
        metric: acrossGroups(watched, (group) =>
          group.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, {
            period: Duration.minutes(1),
            statistic: 'Sum',
          }),
        ),
        threshold: 5,
        evaluationPeriods: 2,
        alarmDescription: `${name}: 5 or more 5xx answers a minute, two minutes running.`,
      });
      const unhealthy = this.alarm(`${name}UnhealthyHosts`, {
        metric: acrossGroups(watched, (group) =>
          group.metrics.unhealthyHostCount({ period: Duration.minutes(1) }),
        ),
        threshold: 1,
        evaluationPeriods: 2,
        alarmDescription: `${name}: a registered task fails its load balancer health check.`,
      });
      this.alarm(`${name}RunningCount`, {
        metric: new cloudwatch.Metric({
          namespace: 'ECS/ContainerInsights',
          metricName: 'RunningTaskCount',
          dimensionsMap: {
            ClusterName: watched.service.cluster.clusterName,
            ServiceName: watched.service.serviceName,
          },
          statistic: 'Minimum',
          period: Duration.minutes(1),
        }),
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        threshold: watched.minRunning,
        evaluationPeriods: 3,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
        alarmDescription: `${name}: fewer than ${watched.minRunning} running tasks for 3 minutes.`,
      });
      if (watched.rollbackOnAlarm) {
        watched.service.enableDeploymentAlarms([target5xx.alarmName, unhealthy.alarmName], {
          behavior: ecs.AlarmBehavior.ROLLBACK_ON_ALARM,
        });
      }
    }
  }

  private alarm(
    id: string,
    props: Omit<cloudwatch.AlarmProps, 'evaluationPeriods'> & { evaluationPeriods?: number },
  ): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, {
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      evaluationPeriods: 1,
      ...props,
      alarmName: `ecs-gitops-${id}`,
    });
    alarm.addAlarmAction(new actions.SnsAction(this.topic));
    alarm.addOkAction(new actions.SnsAction(this.topic));
    this.alarms.push(alarm);
    return alarm;
  }
}
