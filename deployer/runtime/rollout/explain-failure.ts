// After a deployment failed (circuit breaker, timeout): why its tasks stopped. Reads the revision's
// stopped tasks (stop reason, exit codes), the last log lines of the service's container (awslogs),
// and in aws mode adds console links. Best effort: whatever cannot be read becomes a note, never a
// second failure; the rollout's own outcome and rollback do not wait on it beyond these few calls.
import type { RolloutFailureStatus, StoppedTaskStatus } from '../../contract/status-model.ts';
import { logStreamUrl, regionOfArn, serviceDeploymentsUrl, taskUrl } from '../../domain/console-links.ts';
import {
  type AwsLogsLocation,
  awsLogsLocation,
  describeStoppedTask,
  pickStoppedTasks,
  STOPPED_TASK_LIMITS,
  type StoppedTask,
  taskIdOf,
  tidyLogLines,
} from '../../domain/stopped-tasks.ts';
import type { ContainerDefinition } from '../../domain/types.ts';
import type { RolloutContext } from './rollout-context.ts';

export interface FailureToExplain {
  rolloutId: string;
  digest: string;
  reason: string;
  taskDefinitionArn: string;
}

export async function explainFailure(
  ctx: RolloutContext,
  failure: FailureToExplain,
): Promise<RolloutFailureStatus> {
  const { service } = ctx;
  const notes: string[] = [];
  const arn = failure.taskDefinitionArn;
  const region = ctx.consoleLinks ? regionOfArn(arn) : undefined;
  const tasks = await attempt(ctx, notes, 'the stopped tasks', () =>
    ctx.ecs.stoppedTasks(service.cluster, service.service, arn, ctx.signal),
  );
  const picked = pickStoppedTasks(tasks ?? [], STOPPED_TASK_LIMITS.tasks);
  if (tasks && picked.length === 0) notes.push(`ECS lists no stopped task of ${revisionLabel(arn)}`);
  const container = picked.length > 0 ? await containerOf(ctx, notes, arn) : undefined;
  if (picked.length > 0 && container && !awsLogsLocation(container, picked[0]?.taskArn ?? ''))
    notes.push(
      `container ${service.container} has no awslogs log configuration with a stream prefix: no log lines`,
    );
  const stoppedTasks: StoppedTaskStatus[] = [];
  for (const task of picked) stoppedTasks.push(await taskStatus(ctx, notes, task, container, region));
  const explained: RolloutFailureStatus = {
    rolloutId: failure.rolloutId,
    digest: failure.digest,
    reason: failure.reason,
    at: ctx.clock.now().toISOString(),
    taskDefinitionArn: arn,
    stoppedTasks,
    ...(region ? { deploymentsUrl: serviceDeploymentsUrl(region, service.cluster, service.service) } : {}),
    notes,
  };
  ctx.log.info(
    { taskDefinitionArn: arn, stoppedTasks: picked.map(describeStoppedTask), notes },
    'failed rollout explained',
  );
  return explained;
}

/** `...; task 0123abcd: Essential container in task exited (actors exit code 1)`, for the status message. */
export function withStopReason(message: string, explained: RolloutFailureStatus): string {
  const first = explained.stoppedTasks[0];
  if (!first) return message;
  const lastLine = first.logLines.at(-1);
  return `${message.replace(/[.;\s]+$/, '')}; ${describeStoppedTask(first)}${lastLine ? `; last log line: ${lastLine}` : ''}`;
}

async function taskStatus(
  ctx: RolloutContext,
  notes: string[],
  task: StoppedTask,
  container: ContainerDefinition | undefined,
  region: string | undefined,
): Promise<StoppedTaskStatus> {
  const taskId = taskIdOf(task.taskArn);
  const location = awsLogsLocation(container, task.taskArn);
  const lines = location ? await logLines(ctx, notes, location) : [];
  const logRegion = location?.region ?? region;
  return {
    taskArn: task.taskArn,
    taskId,
    stoppedReason: task.stoppedReason,
    ...(task.stopCode ? { stopCode: task.stopCode } : {}),
    ...(task.stoppedAt ? { stoppedAt: task.stoppedAt.toISOString() } : {}),
    containers: task.containers.map((c) => ({
      name: c.name,
      ...(c.exitCode === undefined ? {} : { exitCode: c.exitCode }),
      ...(c.reason ? { reason: tidyLogLines([c.reason], 1)[0] ?? '' } : {}),
    })),
    logLines: lines,
    ...(location
      ? {
          logs: {
            group: location.group,
            stream: location.stream,
            ...(region && logRegion ? { url: logStreamUrl(logRegion, location.group, location.stream) } : {}),
          },
        }
      : {}),
    ...(region ? { url: taskUrl(region, ctx.service.cluster, taskId) } : {}),
  };
}

async function logLines(ctx: RolloutContext, notes: string[], location: AwsLogsLocation): Promise<string[]> {
  if (!ctx.logs) return [];
  const logs = ctx.logs;
  const lines = await attempt(ctx, notes, `log stream ${location.stream}`, () =>
    logs.lastLines(location.group, location.stream, STOPPED_TASK_LIMITS.logLines, ctx.signal),
  );
  return tidyLogLines(lines ?? []);
}

async function containerOf(
  ctx: RolloutContext,
  notes: string[],
  arn: string,
): Promise<ContainerDefinition | undefined> {
  const described = await attempt(ctx, notes, revisionLabel(arn), () =>
    ctx.ecs.describeTaskDefinition(arn, ctx.signal),
  );
  return described?.taskDefinition.containerDefinitions.find((c) => c.name === ctx.service.container);
}

/** Runs one read; a failure (other than our own abort) becomes a note naming what could not be read. */
async function attempt<T>(
  ctx: RolloutContext,
  notes: string[],
  what: string,
  read: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    ctx.signal.throwIfAborted();
    const message = error instanceof Error ? error.message : String(error);
    notes.push(`could not read ${what}: ${message}`);
    ctx.log.warn({ err: error, what }, 'could not read what explains a failed rollout');
    return undefined;
  }
}

/** `arn:...:task-definition/actors:7` → `actors:7`. */
function revisionLabel(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}
