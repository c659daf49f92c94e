import {
  ClientException,
  ClusterNotFoundException,
  type ContainerDefinition,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ListTagsForResourceCommand,
  ListTaskDefinitionsCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  type Service,
  ServiceNotFoundException,
  TagResourceCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalWorld, startLocalWorld } from '../../../local/world.ts';
import { clients, echoWorldOptions, eventually, isAlive } from './helpers.ts';

let world: LocalWorld;
let ecs: ReturnType<typeof clients>['ecs'];

beforeAll(async () => {
  world = await startLocalWorld(echoWorldOptions());
  ecs = clients(world).ecs;
});
afterAll(async () => {
  const pids = world.processes().map((task) => task.pid);
  await world.stop();
  expect(pids.filter(isAlive)).toEqual([]);
});

async function describeActors(): Promise<Service> {
  const answer = await ecs.send(new DescribeServicesCommand({ cluster: 'gitops', services: ['actors'] }));
  const service = answer.services?.[0];
  if (!service) throw new Error('actors service missing');
  return service;
}

async function currentContainer(): Promise<ContainerDefinition> {
  const answer = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'actors' }));
  const container = answer.taskDefinition?.containerDefinitions?.[0];
  if (!container) throw new Error('no container');
  return container;
}

async function registerImage(image: string, digest: string): Promise<string> {
  const container = await currentContainer();
  const environment = (container.environment ?? []).filter((entry) => entry.name !== 'DEPLOY_IMAGE_DIGEST');
  const answer = await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'actors',
      containerDefinitions: [
        {
          ...container,
          image,
          environment: [...environment, { name: 'DEPLOY_IMAGE_DIGEST', value: digest }],
        },
      ],
      cpu: '256',
      memory: '512',
      tags: [{ key: 'ecs-gitops:digest', value: digest }],
    }),
  );
  const arn = answer.taskDefinition?.taskDefinitionArn;
  if (!arn) throw new Error('no arn');
  return arn;
}

async function settled(): Promise<Service> {
  return eventually(async () => {
    const service = await describeActors();
    return service.deployments?.[0]?.rolloutState !== 'IN_PROGRESS' ? service : undefined;
  });
}

describe('ECS stand-in through @aws-sdk/client-ecs', () => {
  it('seeds the actors service as one COMPLETED deployment serving 1.0.0 behind the load balancer', async () => {
    const service = await describeActors();
    expect(service.deployments).toHaveLength(1);
    expect(service.deployments?.[0]).toMatchObject({
      status: 'PRIMARY',
      rolloutState: 'COMPLETED',
      runningCount: 1,
    });
    expect(service.events?.[0]?.message).toBe('(service actors) has reached a steady state.');
    expect(service.deployments?.[0]?.createdAt).toBeInstanceOf(Date);
    const seeded = world.registry.findImage('actors', { imageTag: '1.0.0' });
    const version = (await (await fetch(`${world.serviceUrl('actors')}/version`)).json()) as {
      digest: string;
    };
    expect(version.digest).toBe(seeded?.digest);
  });

  it('registers revisions per family, returns tags, lists DESC, and tags resources', async () => {
    const pushed = world.registry.push('actors', 'tagtest');
    const arn = await registerImage(
      `${world.registry.repository('actors').uri}@${pushed.digest}`,
      pushed.digest,
    );
    expect(arn).toMatch(/task-definition\/actors:2$/);
    const described = await ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: arn, include: ['TAGS'] }),
    );
    expect(described.tags).toEqual([{ key: 'ecs-gitops:digest', value: pushed.digest }]);
    expect(described.taskDefinition?.registeredAt).toBeInstanceOf(Date);
    const listed = await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'actors', sort: 'DESC' }));
    expect(listed.taskDefinitionArns?.[0]).toBe(arn);
    expect(listed.taskDefinitionArns?.at(-1)).toMatch(/actors:1$/);
    await ecs.send(new TagResourceCommand({ resourceArn: arn, tags: [{ key: 'extra', value: 'yes' }] }));
    const tags = await ecs.send(new ListTagsForResourceCommand({ resourceArn: arn }));
    expect(tags.tags).toContainEqual({ key: 'extra', value: 'yes' });
  });

  it('rolls out a new task definition: new PRIMARY IN_PROGRESS, then COMPLETED, old tasks stopped', async () => {
    const oldPids = world.processes().map((task) => task.pid);
    const pushed = world.registry.push('actors', '1.1.0');
    const arn = await registerImage(
      `${world.registry.repository('actors').uri}@${pushed.digest}`,
      pushed.digest,
    );
    const update = await ecs.send(
      new UpdateServiceCommand({ cluster: 'gitops', service: 'actors', taskDefinition: arn }),
    );
    expect(update.service?.deployments?.[0]).toMatchObject({
      status: 'PRIMARY',
      rolloutState: 'IN_PROGRESS',
      taskDefinition: arn,
    });
    expect(update.service?.deployments?.[1]?.status).toBe('ACTIVE');
    const service = await settled();
    expect(service.deployments).toHaveLength(1);
    expect(service.deployments?.[0]).toMatchObject({
      taskDefinition: arn,
      rolloutState: 'COMPLETED',
      runningCount: 1,
    });
    const version = (await (await fetch(`${world.serviceUrl('actors')}/version`)).json()) as {
      digest: string;
    };
    expect(version.digest).toBe(pushed.digest);
    await eventually(() => (oldPids.every((pid) => !isAlive(pid)) ? true : undefined));
    const messages = (service.events ?? []).map((event) => event.message ?? '');
    expect(messages.some((message) => /has stopped 1 running tasks/.test(message))).toBe(true);

    const tasks = await ecs.send(new ListTasksCommand({ cluster: 'gitops', serviceName: 'actors' }));
    const described = await ecs.send(
      new DescribeTasksCommand({ cluster: 'gitops', tasks: tasks.taskArns ?? [] }),
    );
    expect(described.tasks?.[0]?.containers?.[0]?.networkBindings?.[0]?.containerPort).toBe(5000);
    expect(described.tasks?.[0]?.lastStatus).toBe('RUNNING');
  });

  it('trips the circuit breaker on a broken image and rolls back to the last COMPLETED task definition', async () => {
    const before = (await describeActors()).taskDefinition;
    const broken = world.registry.push('actors', '1.2.0', { broken: true });
    const arn = await registerImage(
      `${world.registry.repository('actors').uri}@${broken.digest}`,
      broken.digest,
    );
    await ecs.send(new UpdateServiceCommand({ cluster: 'gitops', service: 'actors', taskDefinition: arn }));
    const failed = await eventually(async () => {
      const service = await describeActors();
      return service.deployments?.find((deployment) => deployment.rolloutState === 'FAILED')
        ? service
        : undefined;
    });
    const failedDeployment = failed.deployments?.find((deployment) => deployment.taskDefinition === arn);
    expect(failedDeployment?.rolloutStateReason).toMatch(/circuit breaker/);
    expect(failedDeployment?.failedTasks).toBeGreaterThanOrEqual(2);
    const service = await settled();
    expect(service.taskDefinition).toBe(before);
    expect(service.deployments?.[0]).toMatchObject({ rolloutState: 'COMPLETED', taskDefinition: before });
    const messages = (service.events ?? []).map((event) => event.message ?? '');
    expect(messages.some((message) => /deployment failed: tasks failed to start/.test(message))).toBe(true);
    const response = await fetch(`${world.serviceUrl('actors')}/health`);
    expect(response.status).toBe(200);
  });

  it('forceNewDeployment replaces the tasks with the same task definition', async () => {
    const oldPids = world.processes().map((task) => task.pid);
    const update = await ecs.send(
      new UpdateServiceCommand({ cluster: 'gitops', service: 'actors', forceNewDeployment: true }),
    );
    expect(update.service?.deployments).toHaveLength(2);
    await settled();
    const newPids = world.processes().map((task) => task.pid);
    expect(newPids).toHaveLength(1);
    expect(newPids).not.toEqual(oldPids);
  });

  it.each([
    [
      'unknown service on update',
      () => new UpdateServiceCommand({ cluster: 'gitops', service: 'nope', desiredCount: 1 }),
      ServiceNotFoundException,
    ],
    [
      'unknown cluster',
      () => new DescribeServicesCommand({ cluster: 'nope', services: ['actors'] }),
      ClusterNotFoundException,
    ],
    [
      'unknown task definition',
      () => new DescribeTaskDefinitionCommand({ taskDefinition: 'missing:9' }),
      ClientException,
    ],
  ] as const)('answers %s with the matching SDK exception class', async (_name, command, errorClass) => {
    await expect(ecs.send(command() as never)).rejects.toBeInstanceOf(errorClass);
  });

  it('reports a missing service in DescribeServices as a MISSING failure', async () => {
    const answer = await ecs.send(new DescribeServicesCommand({ cluster: 'gitops', services: ['ghost'] }));
    expect(answer.services).toEqual([]);
    expect(answer.failures?.[0]?.reason).toBe('MISSING');
  });
});
