// CloudWatch Logs' GetLogEvents for the tasks the ECS stand-in runs: what the awslogs driver would have
// shipped, here the tail of each task process's stderr. A container logs to CloudWatch when its
// logConfiguration uses `awslogs`; its stream is `<awslogs-stream-prefix>/<container name>/<task id>`
// (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html). GetLogEvents with
// startFromHead false (the default) answers the newest `limit` events (default and maximum 10,000),
// oldest first; an unknown group or stream is ResourceNotFoundException
// (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_GetLogEvents.html).
import { AwsError } from '../aws-error.ts';
import { type JsonBody, optionalNumber, requiredString } from '../aws-json-protocol.ts';
import type { LocalService, LocalTask, LocalTaskDefinition } from './model.ts';

/** The JSON 1.1 target prefix of CloudWatch Logs (`Logs_20140328.GetLogEvents`). */
export const LOGS_TARGET_PREFIX = 'Logs_20140328';

const MAX_LIMIT = 10_000;

export interface TaskLogsState {
  services: LocalService[];
  taskDefinition(arn: string): LocalTaskDefinition | undefined;
}

export function getLogEvents(state: TaskLogsState, input: JsonBody): JsonBody {
  const group = requiredString(input, 'logGroupName');
  const stream = requiredString(input, 'logStreamName');
  const limit = optionalNumber(input, 'limit') ?? MAX_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
    throw new AwsError('InvalidParameterException', `limit must be between 1 and ${MAX_LIMIT}`);
  const startFromHead = input.startFromHead === true;
  const tasks = state.services.flatMap((service) => service.tasks);
  const logging = tasks.map((task) => ({ task, location: awsLogsOf(state, task) }));
  if (!logging.some(({ location }) => location?.group === group))
    throw new AwsError('ResourceNotFoundException', 'The specified log group does not exist.');
  const found = logging.find(({ location }) => location?.group === group && location.stream === stream);
  if (!found) throw new AwsError('ResourceNotFoundException', 'The specified log stream does not exist.');
  const lines = found.task.process?.stderrTail ?? [];
  const picked = startFromHead ? lines.slice(0, limit) : lines.slice(-limit);
  // The process tail keeps no per-line time: every line carries the time the task stopped (or now).
  const at = (found.task.stoppedAt ?? new Date()).getTime();
  return {
    events: picked.map((message) => ({ timestamp: at, message, ingestionTime: at })),
    nextForwardToken: `f/${lines.length}`,
    nextBackwardToken: `b/0`,
  };
}

function awsLogsOf(state: TaskLogsState, task: LocalTask): { group: string; stream: string } | undefined {
  const container = state
    .taskDefinition(task.taskDefinitionArn)
    ?.containerDefinitions.find((c) => c.name === task.containerName);
  const config = container?.logConfiguration as
    | { logDriver?: unknown; options?: Record<string, unknown> }
    | undefined;
  const group = config?.options?.['awslogs-group'];
  const prefix = config?.options?.['awslogs-stream-prefix'];
  if (config?.logDriver !== 'awslogs' || typeof group !== 'string' || typeof prefix !== 'string')
    return undefined;
  return { group, stream: `${prefix}/${task.containerName}/${task.id}` };
}
