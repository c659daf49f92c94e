// CloudWatch stand-in: AWS JSON 1.0 (`GraniteServiceVersion20100801.<Op>`, the protocol SDK v3's
// CloudWatch client speaks) for the alarm and metric calls the deployer's rollout analysis makes, plus the
// writes a test or user needs to feed them. The local world sets AWS_ENDPOINT_URL_CLOUDWATCH to it.
// AWS's rules kept here (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/):
// - DescribeAlarms: AlarmNames at most 100, not together with AlarmNamePrefix (InvalidParameterCombination);
//   StateValue filters; without AlarmTypes only metric alarms are returned; unknown names are left out.
// - SetAlarmState on an alarm that does not exist: ResourceNotFound (404).
// - PutMetricData: a namespace must not begin with "AWS/" (reserved for AWS services: InvalidParameterValue);
//   at most 1000 MetricData entries.
// - GetMetricData: 1-500 queries; Id starts with a lower-case letter; StartTime before EndTime
//   (ValidationException); StartTime is rounded down to the minute ("Start time less than 15 days ago -
//   Round down to the nearest whole minute"); EndTime is exclusive; Period 1, 5, 10, 20, 30 or a multiple
//   of 60. Metric math and Metrics Insights expressions are not modelled (refused, not faked).
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import { AwsError } from '../aws-error.ts';
import {
  createJsonProtocolServer,
  type JsonBody,
  optionalArray,
  optionalString,
  requiredString,
} from '../aws-json-protocol.ts';
import type { AlarmState } from '../ecs/traffic-shift.ts';
import type { FaultInjector } from '../faults.ts';
import { epochSeconds } from '../http-util.ts';
import { ALARM_STATES, type AlarmStore, type LocalAlarm } from './alarms.ts';
import { type Dimension, type MetricStore, metricKey, STATISTICS, type Statistic } from './metrics.ts';

export const CLOUDWATCH_TARGET_PREFIX = 'GraniteServiceVersion20100801';
const REGION = 'us-east-1';
const ACCOUNT = '000000000000';

export interface CloudWatchServerOptions {
  alarms: AlarmStore;
  metrics: MetricStore;
  faults?: FaultInjector;
  logger: Logger;
}

const invalid = (message: string) => new AwsError('InvalidParameterValueException', message);

function timestamp(input: JsonBody, field: string): Date {
  const value = input[field];
  const date =
    typeof value === 'number'
      ? new Date(value * 1000)
      : typeof value === 'string'
        ? new Date(value)
        : undefined;
  if (date === undefined || Number.isNaN(date.getTime()))
    throw new AwsError('ValidationException', `${field} is required and must be a timestamp`);
  return date;
}

function dimensions(value: unknown, where: string): Dimension[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.length > 30)
    throw invalid(`${where}.Dimensions must be a list of at most 30`);
  return value.map((entry) => {
    const dimension = entry as { Name?: unknown; Value?: unknown };
    if (typeof dimension?.Name !== 'string' || typeof dimension.Value !== 'string')
      throw invalid(`${where}.Dimensions entries need Name and Value`);
    return { Name: dimension.Name, Value: dimension.Value };
  });
}

function describeAlarm(alarm: LocalAlarm): JsonBody {
  return {
    ...alarm.definition,
    AlarmName: alarm.name,
    AlarmArn: `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${alarm.name}`,
    StateValue: alarm.state,
    StateReason: alarm.reason,
    StateUpdatedTimestamp: epochSeconds(alarm.updatedAt),
    AlarmConfigurationUpdatedTimestamp: epochSeconds(alarm.configurationUpdatedAt),
  };
}

function describeAlarms(store: AlarmStore, input: JsonBody): JsonBody {
  const names = optionalArray(input, 'AlarmNames');
  const prefix = optionalString(input, 'AlarmNamePrefix');
  if (names && prefix !== undefined)
    throw new AwsError(
      'InvalidParameterCombinationException',
      'AlarmNames and AlarmNamePrefix cannot be used together',
    );
  if (names && names.length > 100) throw invalid('AlarmNames takes at most 100 names');
  const state = optionalString(input, 'StateValue');
  if (state !== undefined && !ALARM_STATES.includes(state as AlarmState))
    throw invalid(`StateValue must be one of ${ALARM_STATES.join(', ')}`);
  const types = optionalArray(input, 'AlarmTypes') ?? ['MetricAlarm'];
  const alarms = types.includes('MetricAlarm')
    ? store
        .list()
        .filter(
          (alarm) =>
            (!names || names.includes(alarm.name)) &&
            (prefix === undefined || alarm.name.startsWith(prefix)) &&
            (state === undefined || alarm.state === state),
        )
        .sort((a, b) => (a.name < b.name ? -1 : 1))
    : [];
  return { MetricAlarms: alarms.map(describeAlarm), CompositeAlarms: [] };
}

function putMetricData(metrics: MetricStore, input: JsonBody): JsonBody {
  const namespace = requiredString(input, 'Namespace', 'MissingRequiredParameterException');
  // "You can't use a namespace that begins with AWS/": those are AWS services' own.
  if (namespace.startsWith('AWS/'))
    throw invalid(
      `The value ${namespace} for parameter Namespace is invalid: AWS/ is reserved for AWS services`,
    );
  const data = optionalArray(input, 'MetricData') ?? [];
  if (data.length === 0 || data.length > 1000) throw invalid('MetricData must hold 1 to 1000 entries');
  const now = new Date();
  for (const [index, entry] of data.entries()) {
    const datum = entry as JsonBody;
    const where = `MetricData.member.${index + 1}`;
    const name = requiredString(datum, 'MetricName', 'MissingRequiredParameterException');
    const at = datum.Timestamp === undefined ? now : timestamp(datum, 'Timestamp');
    const dims = dimensions(datum.Dimensions, where);
    const values = optionalArray(datum, 'Values');
    if (typeof datum.Value === 'number') metrics.add(namespace, name, dims, datum.Value, at);
    else if (values) {
      const counts = optionalArray(datum, 'Counts');
      for (const [i, value] of values.entries())
        if (typeof value === 'number')
          metrics.add(namespace, name, dims, value, at, Number(counts?.[i] ?? 1));
    } else throw invalid(`${where} needs Value or Values`);
  }
  return {};
}

const HIGH_RESOLUTION_PERIODS = new Set([1, 5, 10, 20, 30]);

function getMetricData(metrics: MetricStore, input: JsonBody): JsonBody {
  const queries = optionalArray(input, 'MetricDataQueries') ?? [];
  if (queries.length === 0 || queries.length > 500)
    throw new AwsError('ValidationException', 'MetricDataQueries must hold 1 to 500 queries');
  const start = timestamp(input, 'StartTime');
  const end = timestamp(input, 'EndTime');
  if (start.getTime() >= end.getTime())
    throw new AwsError(
      'ValidationException',
      'The parameter StartTime must be less than the parameter EndTime.',
    );
  const rounded = new Date(Math.floor(start.getTime() / 60_000) * 60_000);
  const results = queries.flatMap((entry, index) => {
    const query = entry as JsonBody;
    const id = requiredString(query, 'Id', 'ValidationException');
    if (!/^[a-z][a-zA-Z0-9_]*$/.test(id))
      throw new AwsError(
        'ValidationException',
        `Invalid metric data query Id ${id}: it must start with a lower-case letter`,
      );
    if (query.Expression !== undefined)
      throw new AwsError(
        'ValidationException',
        'The local CloudWatch stand-in does not evaluate metric math or Metrics Insights expressions',
      );
    const stat = query.MetricStat as JsonBody | undefined;
    const metric = stat?.Metric as JsonBody | undefined;
    if (!stat || !metric)
      throw new AwsError('ValidationException', `MetricDataQueries.member.${index + 1} needs MetricStat`);
    const period = stat.Period;
    if (
      typeof period !== 'number' ||
      !(HIGH_RESOLUTION_PERIODS.has(period) || (period >= 60 && period % 60 === 0))
    )
      throw new AwsError('ValidationException', 'Period must be 1, 5, 10, 20, 30 or a multiple of 60');
    const statistic = stat.Stat;
    if (!STATISTICS.includes(statistic as Statistic))
      throw new AwsError('ValidationException', `Stat must be one of ${STATISTICS.join(', ')} here`);
    const namespace = requiredString(metric, 'Namespace', 'ValidationException');
    const name = requiredString(metric, 'MetricName', 'ValidationException');
    const key = metricKey(
      namespace,
      name,
      dimensions(metric.Dimensions, `MetricDataQueries.member.${index + 1}`),
    );
    if (query.ReturnData === false) return [];
    const { timestamps, values } = metrics.query(
      key,
      { start: rounded, end },
      period,
      statistic as Statistic,
    );
    return [
      {
        Id: id,
        Label: typeof query.Label === 'string' ? query.Label : name,
        Timestamps: timestamps,
        Values: values,
        StatusCode: 'Complete',
      },
    ];
  });
  return { MetricDataResults: results, Messages: [] };
}

export function createCloudWatchServer(options: CloudWatchServerOptions): Server {
  const { alarms, metrics } = options;
  return createJsonProtocolServer({
    targetPrefix: CLOUDWATCH_TARGET_PREFIX,
    contentType: 'application/x-amz-json-1.0',
    ...(options.faults ? { faults: options.faults } : {}),
    logger: options.logger,
    operations: {
      DescribeAlarms: (input) => describeAlarms(alarms, input),
      PutMetricAlarm: (input) => {
        const name = requiredString(input, 'AlarmName', 'MissingRequiredParameterException');
        const { AlarmName: _name, Tags: _tags, ...definition } = input;
        alarms.put(name, definition);
        return {};
      },
      SetAlarmState: (input) => {
        const name = requiredString(input, 'AlarmName', 'MissingRequiredParameterException');
        const state = requiredString(input, 'StateValue', 'MissingRequiredParameterException');
        const reason = requiredString(input, 'StateReason', 'MissingRequiredParameterException');
        if (!ALARM_STATES.includes(state as AlarmState))
          throw invalid(`StateValue must be one of ${ALARM_STATES.join(', ')}`);
        if (!alarms.find(name)) throw new AwsError('ResourceNotFound', `Alarm ${name} does not exist`, 404);
        alarms.set(name, state as AlarmState, reason);
        return {};
      },
      DeleteAlarms: (input) => {
        for (const name of optionalArray(input, 'AlarmNames') ?? [])
          if (typeof name === 'string') alarms.delete(name);
        return {};
      },
      PutMetricData: (input) => putMetricData(metrics, input),
      GetMetricData: (input) => getMetricData(metrics, input),
    },
  });
}
