// TaskLogsPort contract: what CloudWatch Logs' GetLogEvents guarantees for the last lines of a stream,
// on the AWS adapter over our ECS stand-in (which serves each task process's stderr as its awslogs
// stream) and over moto (which implements CloudWatch Logs). GetLogEvents with startFromHead false
// answers the newest `limit` events, oldest first; an unknown stream is ResourceNotFoundException
// (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_GetLogEvents.html). The
// stream of a task's container is `<awslogs-stream-prefix>/<container>/<task id>`
// (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html).
import {
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { pino } from 'pino';
import { expect, it } from 'vitest';
import { createAwsClients } from '../../deployer/adapters/aws/clients.ts';
import { EcsAdapter } from '../../deployer/adapters/aws/ecs-adapter.ts';
import { CloudWatchTaskLogs } from '../../deployer/adapters/aws/logs-adapter.ts';
import { awsLogsLocation } from '../../deployer/domain/stopped-tasks.ts';
import type { TaskLogsPort } from '../../deployer/ports.ts';
import { REPO_ROOT } from '../../local/task-commands.ts';
import { startLocalWorld } from '../../local/world.ts';
import { motoAccount } from '../support/moto-accounts.ts';
import { contract, eventually, type Subject, signal } from './worlds.ts';

interface LogsSubject extends Subject {
  logs: TaskLogsPort;
  /** A stream that holds LINES, in order; returns its group and name. */
  streamOfLines(): Promise<{ group: string; stream: string }>;
}

const LINES = Array.from({ length: 12 }, (_, i) => `line ${i + 1} of the container's stderr`);
const credentials = { accessKeyId: 'contract', secretAccessKey: 'contract' };
let families = 0;

/** The stand-in: a service whose task writes LINES to stderr and exits; its stream is the awslogs one. */
async function standInWorld(): Promise<LogsSubject> {
  const script = `for (const line of ${JSON.stringify(LINES)}) console.error(line); process.exit(1);`;
  const world = await startLocalWorld({
    logger: pino({ level: 'silent' }),
    seed: false,
    taskCommands: { talker: { command: [process.execPath, '-e', script], cwd: REPO_ROOT } },
    timing: { tickMs: 50, healthPollMs: 50, stopGraceMs: 500 },
  });
  const clients = createAwsClients({
    maxAttempts: 1,
    credentials,
    endpoints: { ecs: world.endpoints.ecs, logs: world.endpoints.logs },
  });
  const ecs = new EcsAdapter(clients.ecs);
  return {
    logs: new CloudWatchTaskLogs(await clients.logs.get()),
    streamOfLines: async () => {
      const family = `talker-${++families}`;
      const container = {
        name: 'app',
        image: 'talker:1',
        essential: true,
        logConfiguration: {
          logDriver: 'awslogs' as const,
          options: { 'awslogs-group': '/ecs/talker', 'awslogs-stream-prefix': 'talker' },
        },
      };
      await clients.ecs.send(new CreateClusterCommand({ clusterName: 'logs' }));
      const registered = await clients.ecs.send(
        new RegisterTaskDefinitionCommand({ family, containerDefinitions: [container] }),
      );
      const arn = registered.taskDefinition?.taskDefinitionArn ?? '';
      await clients.ecs.send(
        new CreateServiceCommand({
          cluster: 'logs',
          serviceName: family,
          taskDefinition: arn,
          desiredCount: 1,
        }),
      );
      const [task] = await eventually(
        'a task of the talker stopped',
        () => ecs.stoppedTasks('logs', family, arn, signal),
        (tasks) => tasks.length > 0,
        30_000,
      );
      const location = awsLogsLocation(container, task?.taskArn ?? '');
      if (!location) throw new Error('no awslogs location');
      return location;
    },
    stop: async () => {
      clients.destroy();
      await world.stop();
    },
  };
}

async function motoWorld(): Promise<LogsSubject> {
  const moto = await motoAccount();
  const clients = createAwsClients({
    maxAttempts: 1,
    credentials: moto.credentials,
    endpoints: { logs: moto.endpoint },
  });
  return {
    logs: new CloudWatchTaskLogs(await clients.logs.get()),
    streamOfLines: async () => {
      const group = `/ecs/talker-${++families}`;
      const stream = 'talker/app/0123456789abcdef0123456789abcdef';
      await (await clients.logs.get()).send(new CreateLogGroupCommand({ logGroupName: group }));
      await (await clients.logs.get()).send(
        new CreateLogStreamCommand({ logGroupName: group, logStreamName: stream }),
      );
      const start = Date.now() - LINES.length;
      await (await clients.logs.get()).send(
        new PutLogEventsCommand({
          logGroupName: group,
          logStreamName: stream,
          logEvents: LINES.map((message, i) => ({ timestamp: start + i, message })),
        }),
      );
      return { group, stream };
    },
    stop: async () => {
      clients.destroy();
      await moto.stop();
    },
  };
}

/**
 * The world with one stream of LINES for the whole file: both tests only read it, and on the stand-in
 * each stream is a service whose task restarts (and writes again) until the world stops.
 */
function withOneStream(start: () => Promise<LogsSubject>): () => Promise<LogsSubject> {
  return async () => {
    const world = await start();
    let stream: ReturnType<LogsSubject['streamOfLines']> | undefined;
    return { ...world, streamOfLines: () => (stream ??= world.streamOfLines()) };
  };
}

contract<LogsSubject>(
  'TaskLogsPort',
  { standin: withOneStream(standInWorld), moto: withOneStream(motoWorld) },
  (subject) => {
    it('lastLines answers the newest lines of a stream, oldest first', async () => {
      const { group, stream } = await subject().streamOfLines();
      expect(await subject().logs.lastLines(group, stream, 5, signal)).toEqual(LINES.slice(-5));
      expect(await subject().logs.lastLines(group, stream, 100, signal)).toEqual(LINES);
    });

    it('lastLines of a stream that does not exist is empty, not an error', async () => {
      const { group } = await subject().streamOfLines();
      expect(await subject().logs.lastLines(group, 'talker/app/no-such-task', 5, signal)).toEqual([]);
    });
  },
);
