// MetricsPort contract: what CloudWatch guarantees for the reads of `rollout.analysis`, on the in-memory
// fake, the AWS adapter over our CloudWatch stand-in and over moto. DescribeAlarms answers the named
// alarms with StateValue and StateReason and leaves out names that do not exist; PutMetricAlarm creates
// an alarm in INSUFFICIENT_DATA; SetAlarmState of a missing alarm is ResourceNotFound (API_DescribeAlarms.html, API_PutMetricAlarm.html,
// API_SetAlarmState.html). GetMetricData sums a metric identified by namespace, name and its exact dimension
// set within [StartTime, EndTime), and refuses StartTime >= EndTime (API_GetMetricData.html). ALB metrics
// carry TargetGroup `targetgroup/<name>/<id>` and LoadBalancer `app/<name>/<id>`
// (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html).
import type { Server } from 'node:http';
import {
  type CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  PutMetricAlarmCommand,
  PutMetricDataCommand,
  SetAlarmStateCommand,
} from '@aws-sdk/client-cloudwatch';
import { pino } from 'pino';
import { expect, it } from 'vitest';
import { createAwsClients } from '../../deployer/adapters/aws/clients.ts';
import { CloudWatchMetrics } from '../../deployer/adapters/aws/cloudwatch-adapter.ts';
import { ELB_METRICS, targetGroupDimension } from '../../deployer/domain/analysis.ts';
import type { MetricsPort } from '../../deployer/ports.ts';
import { AlarmStore } from '../../local/cloudwatch/alarms.ts';
import { recordTargetAnswer } from '../../local/cloudwatch/elb-metrics.ts';
import { MetricStore } from '../../local/cloudwatch/metrics.ts';
import { createCloudWatchServer } from '../../local/cloudwatch/server.ts';
import { close, listen } from '../../local/http-util.ts';
import { FakeMetrics } from '../support/fakes/index.ts';
import { motoAccount } from '../support/moto-accounts.ts';
import { contract, type Subject, signal, unlessMotoLimit } from './worlds.ts';

interface MetricsSubject extends Subject {
  metrics: MetricsPort;
  /** PutMetricAlarm / SetAlarmState (the fake's own methods in memory). */
  createAlarm(name: string): Promise<void>;
  setAlarm(name: string, state: 'OK' | 'ALARM', reason: string): Promise<void>;
  /** The SDK client, for wire rules the fake has no wire for. */
  client?: CloudWatchClient;
  /** What the load balancer reports for one target group at `at`: `requests`, of which `errors` were 5XX. */
  seed(targetGroupArn: string, at: Date, requests: number, errors: number): Promise<void>;
}

const credentials = { accessKeyId: 'contract', secretAccessKey: 'contract' };
const LOAD_BALANCER = 'app/actors/50dc6c495c0c9188';
let groups = 0;
/** A fresh target group ARN per test, so tests sharing a world never see each other's data. */
const targetGroup = (color: string) =>
  `arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/actors-${color}-${++groups}/0123456789abcdef`;
/** A whole minute in the recent past: CloudWatch rounds a recent StartTime down to the minute. */
const minute = () => new Date(Math.floor(Date.now() / 60_000) * 60_000 - 10 * 60_000);
const at = (base: Date, seconds: number) => new Date(base.getTime() + seconds * 1000);

async function standInWorld(): Promise<MetricsSubject> {
  const store = new MetricStore();
  const server: Server = createCloudWatchServer({
    alarms: new AlarmStore(),
    metrics: store,
    logger: pino({ level: 'silent' }),
  });
  const endpoint = `http://127.0.0.1:${await listen(server, 0)}`;
  const clients = createAwsClients({ maxAttempts: 1, credentials, endpoints: { cloudwatch: endpoint } });
  return {
    metrics: new CloudWatchMetrics(await clients.cloudwatch.get()),
    client: await clients.cloudwatch.get(),
    ...alarmWrites(await clients.cloudwatch.get()),
    // The local load balancer's own path: one call per answer a target gave.
    seed: async (arn, when, requests, errors) => {
      for (let i = 0; i < requests; i++)
        recordTargetAnswer(store, LOAD_BALANCER, arn, i < errors ? 503 : 200, when);
    },
    stop: async () => {
      clients.destroy();
      await close(server);
    },
  };
}

async function motoWorld(): Promise<MetricsSubject> {
  const moto = await motoAccount();
  const clients = createAwsClients({
    maxAttempts: 1,
    credentials: moto.credentials,
    endpoints: { cloudwatch: moto.endpoint },
  });
  return {
    metrics: new CloudWatchMetrics(await clients.cloudwatch.get()),
    client: await clients.cloudwatch.get(),
    ...alarmWrites(await clients.cloudwatch.get()),
    // moto takes AWS/ApplicationELB data through PutMetricData (MOTO_LIMITS
    // 'cloudwatch-put-metric-data-takes-aws-namespaces'), standing in for what an ALB publishes.
    seed: async (arn, when, requests, errors) => {
      const dimensions = [
        { Name: 'TargetGroup', Value: targetGroupDimension(arn) ?? '' },
        { Name: 'LoadBalancer', Value: LOAD_BALANCER },
      ];
      await (await clients.cloudwatch.get()).send(
        new PutMetricDataCommand({
          Namespace: ELB_METRICS.namespace,
          MetricData: [
            {
              MetricName: ELB_METRICS.requests,
              Dimensions: dimensions,
              Value: requests,
              Timestamp: when,
              Unit: 'Count',
            },
            ...(errors > 0
              ? [
                  {
                    MetricName: ELB_METRICS.errors,
                    Dimensions: dimensions,
                    Value: errors,
                    Timestamp: when,
                    Unit: 'Count' as const,
                  },
                ]
              : []),
          ],
        }),
      );
    },
    stop: async () => {
      clients.destroy();
      await moto.stop();
    },
  };
}

function alarmWrites(client: CloudWatchClient): Pick<MetricsSubject, 'createAlarm' | 'setAlarm'> {
  return {
    createAlarm: async (name) => {
      await client.send(
        new PutMetricAlarmCommand({
          AlarmName: name,
          Namespace: 'Contract',
          MetricName: 'Errors',
          Statistic: 'Sum',
          Period: 60,
          EvaluationPeriods: 1,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        }),
      );
    },
    setAlarm: async (name, state, reason) => {
      await client.send(
        new SetAlarmStateCommand({ AlarmName: name, StateValue: state, StateReason: reason }),
      );
    },
  };
}

async function fakeWorld(): Promise<MetricsSubject> {
  const metrics = new FakeMetrics();
  return {
    metrics,
    createAlarm: async (name) => metrics.createAlarm(name),
    setAlarm: async (name, state, reason) => metrics.setAlarm(name, state, reason),
    seed: async (arn, when, requests, errors) => metrics.record(LOAD_BALANCER, arn, when, requests, errors),
    stop: async () => undefined,
  };
}

/** The SDK client of a world that has a wire (not the fake). */
function wire(subject: MetricsSubject): CloudWatchClient {
  if (!subject.client) throw new Error('this world has no CloudWatch wire');
  return subject.client;
}

contract<MetricsSubject>(
  'MetricsPort',
  { fake: fakeWorld, standin: standInWorld, moto: motoWorld },
  (subject, world) => {
    /** Rules of the wire protocol itself: the fake has none. */
    const onTheWire = world === 'fake' ? it.skip : it;
    it('alarms answers a set alarm with its state and reason', async () => {
      const { metrics } = subject();
      await subject().createAlarm('contract-firing');
      await subject().setAlarm('contract-firing', 'ALARM', 'error rate 12 %');
      expect(await metrics.alarms(['contract-firing'], signal)).toEqual([
        { name: 'contract-firing', state: 'ALARM', reason: 'error rate 12 %' },
      ]);
    });

    unlessMotoLimit(world, 'cloudwatch-new-alarm-is-ok')(
      'alarms answers a new alarm as INSUFFICIENT_DATA',
      async () => {
        const { metrics } = subject();
        await subject().createAlarm('contract-new');
        expect(await metrics.alarms(['contract-new'], signal)).toEqual([
          expect.objectContaining({ name: 'contract-new', state: 'INSUFFICIENT_DATA' }),
        ]);
      },
    );

    it('alarms leaves out names CloudWatch does not know', async () => {
      const { metrics } = subject();
      await subject().createAlarm('contract-known');
      const readings = await metrics.alarms(['contract-known', 'contract-typo'], signal);
      expect(readings.map((alarm) => alarm.name)).toEqual(['contract-known']);
    });

    (world === 'fake' ? it.skip : unlessMotoLimit(world, 'cloudwatch-describe-alarms-names-ignore-state'))(
      'DescribeAlarms filters named alarms by StateValue',
      async () => {
        const client = wire(subject());
        await subject().createAlarm('contract-quiet');
        await client.send(
          new SetAlarmStateCommand({ AlarmName: 'contract-quiet', StateValue: 'OK', StateReason: 'fine' }),
        );
        const answer = await client.send(
          new DescribeAlarmsCommand({ AlarmNames: ['contract-quiet'], StateValue: 'ALARM' }),
        );
        expect(answer.MetricAlarms).toEqual([]);
      },
    );

    onTheWire('SetAlarmState of an alarm that does not exist is ResourceNotFound', async () => {
      await expect(
        wire(subject()).send(
          new SetAlarmStateCommand({ AlarmName: 'contract-none', StateValue: 'OK', StateReason: 'x' }),
        ),
      ).rejects.toMatchObject({ name: 'ResourceNotFound' });
    });

    it('targetGroupCounts sums requests and 5XX answers per target group within the window', async () => {
      const base = minute();
      const [green, blue] = [targetGroup('green'), targetGroup('blue')];
      await subject().seed(green, at(base, -30), 7, 7); // before the window
      await subject().seed(green, at(base, 10), 40, 3);
      await subject().seed(green, at(base, 75), 20, 2);
      await subject().seed(blue, at(base, 20), 500, 0);
      await subject().seed(green, at(base, 200), 9, 9); // after the window
      const counts = await subject().metrics.targetGroupCounts(
        LOAD_BALANCER,
        [green, blue],
        { start: base, end: at(base, 180) },
        signal,
      );
      expect(counts).toEqual({ [green]: { requests: 60, errors: 5 }, [blue]: { requests: 500, errors: 0 } });
    });

    it('targetGroupCounts of a target group without data is zero, not an error', async () => {
      const base = minute();
      const idle = targetGroup('idle');
      expect(
        await subject().metrics.targetGroupCounts(
          LOAD_BALANCER,
          [idle],
          { start: base, end: at(base, 60) },
          signal,
        ),
      ).toEqual({ [idle]: { requests: 0, errors: 0 } });
    });

    it('targetGroupCounts counts only the series with both ALB dimensions (another dimension set is another metric)', async () => {
      const base = minute();
      const green = targetGroup('green');
      await subject().seed(green, at(base, 5), 10, 1);
      const counts = await subject().metrics.targetGroupCounts(
        'app/another-alb/1111111111111111',
        [green],
        { start: base, end: at(base, 60) },
        signal,
      );
      expect(counts).toEqual({ [green]: { requests: 0, errors: 0 } });
    });

    onTheWire('GetMetricData refuses a StartTime that is not before EndTime', async () => {
      const when = minute();
      await expect(
        wire(subject()).send(
          new GetMetricDataCommand({
            StartTime: when,
            EndTime: when,
            MetricDataQueries: [
              {
                Id: 'r',
                MetricStat: {
                  Metric: { Namespace: ELB_METRICS.namespace, MetricName: 'RequestCount' },
                  Period: 60,
                  Stat: 'Sum',
                },
              },
            ],
          }),
        ),
      ).rejects.toMatchObject({ name: 'ValidationException' });
    });

    (world === 'fake' ? it.skip : unlessMotoLimit(world, 'cloudwatch-put-metric-data-takes-aws-namespaces'))(
      'PutMetricData refuses a namespace that begins with AWS/',
      async () => {
        await expect(
          wire(subject()).send(
            new PutMetricDataCommand({
              Namespace: 'AWS/ApplicationELB',
              MetricData: [{ MetricName: 'RequestCount', Value: 1 }],
            }),
          ),
        ).rejects.toMatchObject({ name: 'InvalidParameterValueException' });
      },
    );
  },
);
