// Why a rollout's tasks stopped, in words: the stopped tasks ECS describes (DescribeTasks), where their
// container logs are (the awslogs driver's group and stream), and one sentence for the status. Pure.
import type { ContainerDefinition } from './types.ts';

/** A stopped task as DescribeTasks reports it (only what explains the stop). */
export interface StoppedTask {
  taskArn: string;
  taskDefinitionArn: string;
  /** The ECS deployment that started it (`ecs-svc/...`), when ECS says. */
  startedBy?: string;
  /** e.g. `EssentialContainerExited`, `TaskFailedToStart`, `ServiceSchedulerInitiated`. */
  stopCode?: string;
  /** e.g. `Essential container in task exited`, `Task failed container health checks`. */
  stoppedReason: string;
  stoppedAt?: Date;
  containers: StoppedContainer[];
}

export interface StoppedContainer {
  name: string;
  exitCode?: number;
  /** ECS's short reason for the container's stop (e.g. `CannotPullContainerError: ...`). */
  reason?: string;
}

/** Where the awslogs driver ships a container's output (CloudWatch Logs). */
export interface AwsLogsLocation {
  group: string;
  stream: string;
  region?: string;
}

/** How many stopped tasks a failure keeps, and how many log lines of each. */
export const STOPPED_TASK_LIMITS = { tasks: 3, logLines: 10, lineChars: 300 } as const;

/** `arn:aws:ecs:region:account:task/cluster/0123abcd` → `0123abcd`. */
export function taskIdOf(taskArn: string): string {
  return taskArn.slice(taskArn.lastIndexOf('/') + 1);
}

/**
 * The CloudWatch Logs stream of one container of one task, when the container logs with awslogs and a
 * stream prefix: "the log stream takes the following format: prefix-name/container-name/ecs-task-id"
 * (awslogs-stream-prefix, https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html).
 * Without a prefix the stream is named after the Docker container id, which the deployer cannot know.
 */
export function awsLogsLocation(
  container: ContainerDefinition | undefined,
  taskArn: string,
): AwsLogsLocation | undefined {
  const config = container?.logConfiguration as
    | { logDriver?: unknown; options?: Record<string, unknown> }
    | undefined;
  if (!container || config?.logDriver !== 'awslogs') return undefined;
  const group = config.options?.['awslogs-group'];
  const prefix = config.options?.['awslogs-stream-prefix'];
  const region = config.options?.['awslogs-region'];
  if (typeof group !== 'string' || group === '' || typeof prefix !== 'string' || prefix === '')
    return undefined;
  return {
    group,
    stream: `${prefix}/${container.name}/${taskIdOf(taskArn)}`,
    ...(typeof region === 'string' && region !== '' ? { region } : {}),
  };
}

/**
 * The tasks that explain most first (a container that exited or failed to start, failed health checks),
 * then newest first: the tasks the scheduler stopped afterwards (the circuit breaker, a drain) only
 * report the SIGTERM they got.
 */
export function pickStoppedTasks(tasks: readonly StoppedTask[], limit: number): StoppedTask[] {
  const explains = (task: StoppedTask) =>
    task.stopCode !== 'ServiceSchedulerInitiated' || /health/i.test(task.stoppedReason) ? 1 : 0;
  const time = (task: StoppedTask) => task.stoppedAt?.getTime() ?? 0;
  return [...tasks].sort((a, b) => explains(b) - explains(a) || time(b) - time(a)).slice(0, limit);
}

/** `actors exit code 1`, `actors "CannotStartContainerError: ..."`: each container that says something. */
export function containerExitTexts(containers: readonly StoppedContainer[]): string[] {
  return containers
    .filter((c) => c.exitCode !== undefined || c.reason)
    .map((c) =>
      [c.name, c.exitCode === undefined ? '' : `exit code ${c.exitCode}`, c.reason ? `"${c.reason}"` : '']
        .filter(Boolean)
        .join(' '),
    );
}

/**
 * One line per task for the status message: `task 0123abcd: Essential container in task exited
 * (actors exit code 1)`.
 */
export function describeStoppedTask(
  task: Pick<StoppedTask, 'taskArn' | 'stoppedReason' | 'stopCode' | 'containers'>,
): string {
  const containers = containerExitTexts(task.containers);
  const reason = task.stoppedReason || task.stopCode || 'stopped';
  return `task ${taskIdOf(task.taskArn).slice(0, 8)}: ${reason}${containers.length > 0 ? ` (${containers.join('; ')})` : ''}`;
}

/** Log lines made safe to show: no control characters, bounded length, the last `limit` kept. */
export function tidyLogLines(
  lines: readonly string[],
  limit: number = STOPPED_TASK_LIMITS.logLines,
): string[] {
  return lines
    .flatMap((line) => line.split(/\r?\n/))
    .map((line) =>
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
      line.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, ''),
    )
    .filter((line) => line.trim() !== '')
    .map((line) =>
      line.length > STOPPED_TASK_LIMITS.lineChars ? `${line.slice(0, STOPPED_TASK_LIMITS.lineChars)}…` : line,
    )
    .slice(-limit);
}
