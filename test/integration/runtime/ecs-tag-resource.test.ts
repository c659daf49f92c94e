// EcsAdapter.tagResource against the ECS stand-in: the runtime records a rollout's result as a tag on
// its task definition revision, so remembered failures survive a deployer restart.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsClients, createAwsClients } from '../../../deployer/adapters/aws/clients.ts';
import { EcsAdapter } from '../../../deployer/adapters/aws/ecs-adapter.ts';
import type { DeployerError } from '../../../deployer/domain/errors.ts';
import { ECHO_TASK_COMMAND } from '../../../local/task-commands.ts';
import { type LocalWorld, startLocalWorld } from '../../../local/world.ts';

let world: LocalWorld;
let clients: AwsClients;
const signal = new AbortController().signal;

beforeAll(async () => {
  world = await startLocalWorld({
    logger: pino({ level: 'silent' }),
    taskCommands: { actors: ECHO_TASK_COMMAND },
    timing: { tickMs: 50, healthPollMs: 50, invalidationMs: 300, stopGraceMs: 500 },
  });
  clients = createAwsClients({
    maxAttempts: 1,
    endpoints: world.endpoints,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
}, 30_000);

afterAll(async () => {
  clients?.destroy();
  await world?.stop();
});

describe('EcsAdapter.tagResource', () => {
  it('tagResource adds and overwrites tags that describeTaskDefinition then returns', async () => {
    const ecs = new EcsAdapter(clients.ecs);
    const live = await ecs.describeService('gitops', 'actors', signal);
    const before = await ecs.describeTaskDefinition(live.taskDefinitionArn, signal);
    await ecs.tagResource(live.taskDefinitionArn, { 'ecs-gitops:result': 'Succeeded' }, signal);
    await ecs.tagResource(live.taskDefinitionArn, { 'ecs-gitops:result': 'Failed' }, signal);
    const after = await ecs.describeTaskDefinition(live.taskDefinitionArn, signal);
    expect(after.tags).toEqual({ ...before.tags, 'ecs-gitops:result': 'Failed' });
  });

  it('tagResource on an unknown ARN fails with a non-retryable error', async () => {
    const ecs = new EcsAdapter(clients.ecs);
    const arn = 'arn:aws:ecs:us-east-1:000000000000:task-definition/nope:9';
    const error = (await ecs.tagResource(arn, { a: 'b' }, signal).catch((e: unknown) => e)) as DeployerError;
    expect(error.name).toBe('DeployerError');
    expect(error.retryable).toBe(false);
  });
});
