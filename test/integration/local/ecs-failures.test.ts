import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  RegisterTaskDefinitionCommand,
  type Service,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ECHO_TASK_COMMAND, REPO_ROOT } from '../../../local/task-commands.ts';
import { type LocalWorld, startLocalWorld } from '../../../local/world.ts';
import { clients, echoWorldOptions, eventually, FAST_TIMING } from './helpers.ts';

// `silent` runs but never serves /health: it must be stopped after the health timeout.
// The same timeout bounds how long a good echo task may take to answer /health, and a node process
// can take well over a second to start on a loaded 2-core CI machine, so the budget is generous.
// Only the `silent` test waits for it to pass (twice, the circuit breaker threshold).
const HEALTH_TIMEOUT_MS = 2_500;
// Waits on observable state never sleep: these are only the upper bounds on a loaded machine.
const WAIT_MS = 15_000;
const SILENT = { command: [process.execPath, '-e', 'setInterval(() => {}, 1000)'], cwd: REPO_ROOT };

let world: LocalWorld;
let ecs: ReturnType<typeof clients>['ecs'];

beforeAll(async () => {
  world = await startLocalWorld(
    echoWorldOptions({
      seed: false,
      timing: { ...FAST_TIMING, healthTimeoutMs: HEALTH_TIMEOUT_MS },
      taskCommands: { actors: ECHO_TASK_COMMAND, silent: SILENT },
    }),
  );
  ecs = clients(world).ecs;
  await ecs.send(new CreateClusterCommand({ clusterName: 'edge' }));
  world.registry.createRepository('silent');
  world.registry.createRepository('actors');
});
afterAll(async () => {
  await world.stop();
});

async function register(family: string, image: string): Promise<string> {
  const answer = await ecs.send(
    new RegisterTaskDefinitionCommand({
      family,
      containerDefinitions: [{ name: family, image, portMappings: [{ containerPort: 5000 }] }],
    }),
  );
  return answer.taskDefinition?.taskDefinitionArn ?? '';
}

async function describe1(name: string): Promise<Service> {
  const answer = await ecs.send(new DescribeServicesCommand({ cluster: 'edge', services: [name] }));
  const service = answer.services?.[0];
  if (!service) throw new Error(`${name} missing`);
  return service;
}

/** The stand-in's view of a service (deployments, each task's life): what a timed-out wait prints. */
function stateOf(name: string): unknown {
  const service = world.services().find((candidate) => candidate.name === name);
  return {
    deployments: service?.deployments.map(({ id, status, rolloutState, failedTasks }) => ({
      id,
      status,
      rolloutState,
      failedTasks,
    })),
    tasks: service?.tasks.map((task) => ({
      lastStatus: task.lastStatus,
      desiredStatus: task.desiredStatus,
      healthStatus: task.healthStatus,
      startedAt: task.startedAt,
      stoppedReason: task.stoppedReason,
      exitCode: task.exitCode,
      output: task.process?.output,
    })),
  };
}

describe('ECS stand-in failure paths', () => {
  it('counts tasks that never become healthy and fails the deployment without rollback when asked', async () => {
    const good = world.registry.push('actors', 'good');
    const goodArn = await register('edge-actors', `actors@${good.digest}`);
    await ecs.send(
      new CreateServiceCommand({
        cluster: 'edge',
        serviceName: 'edge-actors',
        taskDefinition: goodArn,
        desiredCount: 1,
        deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: false } },
      }),
    );
    await eventually(
      async () =>
        (await describe1('edge-actors')).deployments?.[0]?.rolloutState === 'COMPLETED' ? true : undefined,
      WAIT_MS,
    );
    const servingPid = world.processes().find((task) => task.service === 'edge-actors')?.pid;

    const silentArn = await register('edge-actors', 'silent:latest');
    await ecs.send(
      new UpdateServiceCommand({ cluster: 'edge', service: 'edge-actors', taskDefinition: silentArn }),
    );
    const failed = await eventually(
      async () => {
        const service = await describe1('edge-actors');
        return service.deployments?.[0]?.rolloutState === 'FAILED' ? service : undefined;
      },
      2 * HEALTH_TIMEOUT_MS + WAIT_MS,
    );
    expect(failed.deployments?.[0]).toMatchObject({ status: 'PRIMARY', taskDefinition: silentArn });
    expect(failed.deployments?.[0]?.failedTasks).toBeGreaterThanOrEqual(2);
    // No rollback: the old deployment keeps serving and no new deployment appears.
    expect(failed.deployments?.[1]).toMatchObject({
      status: 'ACTIVE',
      taskDefinition: goodArn,
      runningCount: 1,
    });
    // The last unhealthy task is counted before its process has exited: wait for the exit, then
    // only the old serving task may be left.
    await eventually(
      () => (world.processes().some((task) => task.pid !== servingPid) ? undefined : true),
      WAIT_MS,
    );
    expect(world.processes().map((task) => task.pid)).toEqual([servingPid]);
  }, 60_000);

  it('fails tasks of an unmapped repository with a clear stderr line', async () => {
    const arn = await register('nowhere', 'unmapped-repo:1');
    await ecs.send(
      new CreateServiceCommand({
        cluster: 'edge',
        serviceName: 'nowhere',
        taskDefinition: arn,
        desiredCount: 1,
        deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
      }),
    );
    const service = await eventually(
      async () => {
        const current = await describe1('nowhere');
        return current.deployments?.[0]?.rolloutState === 'FAILED' ? current : undefined;
      },
      WAIT_MS,
      () => stateOf('nowhere'),
    );
    // Nothing completed before, so there is nothing to roll back to.
    expect(service.deployments).toHaveLength(1);
    const stopped = world.services().find((candidate) => candidate.name === 'nowhere')?.tasks[0];
    expect(stopped?.stoppedReason).toMatch(/Essential container in task exited/);
    expect(stopped?.process?.output.join('\n')).toContain(
      "no command is mapped for repository 'unmapped-repo'",
    );
  }, 30_000);
});
