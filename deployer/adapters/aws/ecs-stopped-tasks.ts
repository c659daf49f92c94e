// The stopped tasks of one revision of a service, for EcsAdapter.stoppedTasks: ListTasks with
// `serviceName` and `desiredStatus: STOPPED` ("limits the results to tasks that Amazon ECS has set the
// desired status to STOPPED. This can be useful for debugging tasks that aren't starting properly or
// have died"; "stopped tasks appear in the returned results for at least one hour", API_ListTasks.html),
// then DescribeTasks for stoppedReason, stopCode and each container's exitCode and reason (API_Task.html,
// API_Container.html). Not `startedBy`: "When you specify startedBy as the filter, it must be the only
// filter that you use" (API_ListTasks.html); the revision is matched here instead.
import { DescribeTasksCommand, type ECSClient, ListTasksCommand, type Task } from '@aws-sdk/client-ecs';
import type { StoppedTask } from '../../domain/stopped-tasks.ts';

/** Sends one SDK call (the adapter's: rate limit, errors mapped to DeployerError). */
export type SendCall = <T>(operation: string, send: () => Promise<T>) => Promise<T>;

/** Pages of ListTasks read: enough for a crash loop's last hour, bounded. */
const MAX_PAGES = 3;
/** DescribeTasks takes up to 100 tasks per call (API_DescribeTasks.html, tasks). */
const DESCRIBE_BATCH = 100;

export async function listStoppedTasks(
  client: ECSClient,
  of: { cluster: string; service: string; taskDefinitionArn: string },
  call: SendCall,
  signal: AbortSignal,
): Promise<StoppedTask[]> {
  const { cluster, service, taskDefinitionArn } = of;
  const arns: string[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const output = await call('ecs:ListTasks', () =>
      client.send(
        new ListTasksCommand({ cluster, serviceName: service, desiredStatus: 'STOPPED', nextToken }),
        {
          abortSignal: signal,
        },
      ),
    );
    arns.push(...(output.taskArns ?? []));
    nextToken = output.nextToken;
    if (!nextToken) break;
  }
  const stopped: StoppedTask[] = [];
  for (let start = 0; start < arns.length; start += DESCRIBE_BATCH) {
    const tasks = arns.slice(start, start + DESCRIBE_BATCH);
    const output = await call('ecs:DescribeTasks', () =>
      client.send(new DescribeTasksCommand({ cluster, tasks }), { abortSignal: signal }),
    );
    for (const task of output.tasks ?? []) {
      if (task.taskDefinitionArn === taskDefinitionArn && task.lastStatus === 'STOPPED')
        stopped.push(toStoppedTask(task));
    }
  }
  return stopped;
}

function toStoppedTask(task: Task): StoppedTask {
  return {
    taskArn: task.taskArn ?? '',
    taskDefinitionArn: task.taskDefinitionArn ?? '',
    ...(task.startedBy ? { startedBy: task.startedBy } : {}),
    ...(task.stopCode ? { stopCode: task.stopCode } : {}),
    stoppedReason: task.stoppedReason ?? '',
    ...(task.stoppedAt ? { stoppedAt: task.stoppedAt } : {}),
    containers: (task.containers ?? []).map((container) => ({
      name: container.name ?? '',
      ...(container.exitCode === undefined || container.exitCode === null
        ? {}
        : { exitCode: container.exitCode }),
      ...(container.reason ? { reason: container.reason } : {}),
    })),
  };
}
