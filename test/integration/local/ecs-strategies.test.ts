// BLUE_GREEN, LINEAR and CANARY deployments in the local world, driven through @aws-sdk/client-ecs as the
// deployer drives them: the split is observed at the load balancer (per target group and per digest),
// test traffic reaches green only with the test header, and StopServiceDeployment, an alarm or a PAUSE
// hook's ROLLBACK puts production back on blue.
import {
  ContinueServiceDeploymentCommand,
  type DeploymentConfiguration,
  DescribeServiceDeploymentsCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ListServiceDeploymentsCommand,
  RegisterTaskDefinitionCommand,
  type ServiceDeployment,
  StopServiceDeploymentCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EcsDeploymentStateChangeEvent } from '../../../local/ecs/deployment-event.ts';
import { ACTORS_LOAD_BALANCER, type LocalWorld, startLocalWorld } from '../../../local/world.ts';
import { clients, echoWorldOptions, eventually, FAST_TIMING, registerActorsRevision } from './helpers.ts';

const BLUE_TG = ACTORS_LOAD_BALANCER.targetGroupArn;
const GREEN_TG = ACTORS_LOAD_BALANCER.alternateTargetGroupArn;
/** One "minute" of bake time: long enough to sample a canary step on a loaded machine, short enough to wait for. */
const MINUTE_MS = 1_500;
/**
 * A step bake longer than any test waits (90 s): a step holds until the test has seen what it checks,
 * then the test lets the bake pass at once (elapseEcsWaits) instead of sleeping through it.
 */
const LONG_BAKE_MINUTES = 60;

let world: LocalWorld;
let ecs: ReturnType<typeof clients>['ecs'];
let revisions = 0;
/** ECS deployment id of each service deployment the tests started (the events name deployment ids). */
const deploymentIds = new Map<string, string>();

beforeAll(async () => {
  world = await startLocalWorld(
    echoWorldOptions({ actorsTargetGroups: 2, timing: { ...FAST_TIMING, minuteMs: MINUTE_MS } }),
  );
  ecs = clients(world).ecs;
});
afterAll(async () => {
  await world.stop();
});

/** A new revision of actors whose tasks report `digest` on /version. */
async function registerDigest(): Promise<{ arn: string; digest: string }> {
  revisions += 1;
  const digest = `sha256:${String(revisions).padStart(64, 'c')}`;
  return registerActorsRevision(ecs, digest);
}

/** UpdateService with a new revision and `deploymentConfiguration`; answers the new service deployment. */
async function deploy(configuration: DeploymentConfiguration) {
  const before = await liveDigest();
  const next = await registerDigest();
  await ecs.send(
    new UpdateServiceCommand({
      cluster: 'gitops',
      service: 'actors',
      taskDefinition: next.arn,
      deploymentConfiguration: configuration,
    }),
  );
  const listed = await ecs.send(new ListServiceDeploymentsCommand({ cluster: 'gitops', service: 'actors' }));
  const arn = listed.serviceDeployments?.[0]?.serviceDeploymentArn ?? '';
  const described = await ecs.send(new DescribeServicesCommand({ cluster: 'gitops', services: ['actors'] }));
  deploymentIds.set(arn, described.services?.[0]?.deployments?.[0]?.id ?? '');
  expect(listed.serviceDeployments?.[0]?.targetServiceRevisionArn).toMatch(
    /:service-revision\/gitops\/actors\//,
  );
  return { arn, digest: next.digest, taskDefinition: next.arn, before };
}

async function describe1(arn: string): Promise<ServiceDeployment> {
  const answer = await ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] }));
  const found = answer.serviceDeployments?.[0];
  if (!found) throw new Error(`no service deployment ${arn}`);
  return found;
}

function until(arn: string, done: (deployment: ServiceDeployment) => boolean, timeoutMs = 30_000) {
  return eventually(async () => {
    const deployment = await describe1(arn);
    return done(deployment) ? deployment : undefined;
  }, timeoutMs);
}

async function get(path: string, headers: Record<string, string> = {}): Promise<{ digest: string | null }> {
  const response = await fetch(`${world.serviceUrl('actors')}${path}`, { headers });
  expect(response.status).toBe(200);
  return (await response.json()) as { digest: string | null };
}

async function liveDigest(): Promise<string | null> {
  return (await get('/version')).digest;
}

/** `count` production requests: how many answered with each digest. */
async function sample(count: number, headers: Record<string, string> = {}): Promise<Record<string, number>> {
  const seen: Record<string, number> = {};
  for (let i = 0; i < count; i++) {
    const digest = String((await get('/version', headers)).digest);
    seen[digest] = (seen[digest] ?? 0) + 1;
  }
  return seen;
}

const settledOk = (deployment: ServiceDeployment) => deployment.status === 'SUCCESSFUL';

describe('ECS stand-in: CANARY, LINEAR and BLUE_GREEN deployments', () => {
  it('a CANARY deployment sends canaryPercent of production to green for the canary bake time, then 100 %', async () => {
    const { arn, digest, before } = await deploy({
      strategy: 'CANARY',
      // 60 "minutes" (90 s): the step must outlast sampling 50 requests, which took over 3 s at a CI load
      // of 10-15; once sampled, the rest of the bake passes at once (elapseEcsWaits) instead of on the clock.
      canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: LONG_BAKE_MINUTES },
      bakeTimeInMinutes: 0,
    });
    await until(arn, (d) => d.lifecycleStage === 'PRODUCTION_TRAFFIC_SHIFT');
    const shifting = await describe1(arn);
    expect(shifting.targetServiceRevision?.requestedProductionTrafficWeight).toBe(10);
    expect(shifting.sourceServiceRevisions?.[0]?.requestedProductionTrafficWeight).toBe(90);
    expect(world.traffic('actors').productionWeights).toEqual({ [BLUE_TG]: 90, [GREEN_TG]: 10 });

    world.resetTraffic('actors');
    const split = await sample(50);
    // Still in the canary step after sampling, so all 50 requests saw the 10/90 weights.
    expect(world.traffic('actors').productionWeights).toEqual({ [BLUE_TG]: 90, [GREEN_TG]: 10 });
    expect(split).toEqual({ [String(before)]: 45, [digest]: 5 });
    const counted = world.traffic('actors').targetGroups;
    expect([counted[BLUE_TG]?.production, counted[GREEN_TG]?.production]).toEqual([45, 5]);

    // The canary bake time passes: production goes to 100 % green.
    world.elapseEcsWaits('actors', LONG_BAKE_MINUTES * MINUTE_MS);
    const done = await until(arn, settledOk);
    expect(done.targetServiceRevision?.requestedProductionTrafficWeight).toBe(100);
    expect(world.traffic('actors').productionWeights).toEqual({ [GREEN_TG]: 100 });
    expect(await sample(10)).toEqual({ [digest]: 10 });
    const service = (await ecs.send(new DescribeServicesCommand({ cluster: 'gitops', services: ['actors'] })))
      .services?.[0];
    expect(service?.deployments?.map((d) => [d.status, d.rolloutState])).toEqual([['PRIMARY', 'COMPLETED']]);
    expect(world.traffic('actors').targetGroups[BLUE_TG]?.healthyTargets).toBe(0);
  }, 60_000);

  it('a LINEAR deployment walks production through every stepPercent step to 100 %', async () => {
    const { arn } = await deploy({
      strategy: 'LINEAR',
      linearConfiguration: { stepPercent: 30, stepBakeTimeInMinutes: LONG_BAKE_MINUTES },
      bakeTimeInMinutes: 0,
    });
    const green = () => {
      const weights = world.traffic('actors').productionWeights;
      // After the canary, blue/green swapped: the new green is the original target group.
      return weights[BLUE_TG] ?? 0;
    };
    const seen: number[] = [];
    await eventually(async () => {
      const share = green();
      if (seen.at(-1) !== share) {
        seen.push(share);
        // A step seen: its bake time passes, and the stand-in moves production to the next step.
        if (share > 0 && share < 100) world.elapseEcsWaits('actors', LONG_BAKE_MINUTES * MINUTE_MS);
      }
      return (await describe1(arn)).status === 'SUCCESSFUL' ? true : undefined;
    }, 30_000);
    expect(seen).toEqual([0, 30, 60, 90, 100]);
  }, 60_000);

  it('a BLUE_GREEN deployment paused after test traffic serves green to the test header only, then goes live', async () => {
    const { arn, digest, before } = await deploy({
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 0,
      lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'] }],
    });
    const paused = await until(arn, (d) => d.lifecycleHookDetails?.[0]?.status === 'AWAITING_ACTION');
    expect(paused.lifecycleStage).toBe('POST_TEST_TRAFFIC_SHIFT');
    expect(paused.targetServiceRevision).toMatchObject({
      requestedTestTrafficWeight: 100,
      requestedProductionTrafficWeight: 0,
    });
    expect(await sample(5, { 'x-test-traffic': '1' })).toEqual({ [digest]: 5 });
    expect(await sample(5)).toEqual({ [String(before)]: 5 });

    await ecs.send(
      new ContinueServiceDeploymentCommand({
        serviceDeploymentArn: arn,
        hookId: paused.lifecycleHookDetails?.[0]?.hookId,
      }),
    );
    await until(arn, settledOk);
    expect(await sample(5)).toEqual({ [digest]: 5 });
  }, 60_000);

  it('a PAUSE hook answered with ROLLBACK: production never saw the green digest', async () => {
    const { arn, digest, before } = await deploy({
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 0,
      lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'] }],
    });
    const paused = await until(arn, (d) => d.lifecycleHookDetails?.[0]?.status === 'AWAITING_ACTION');
    world.resetTraffic('actors');
    expect(await sample(3, { 'x-test-traffic': '1' })).toEqual({ [digest]: 3 });
    const greenGroup = world.traffic('actors').testTargetGroupArn;
    expect(await sample(5)).toEqual({ [String(before)]: 5 });
    await ecs.send(
      new ContinueServiceDeploymentCommand({
        serviceDeploymentArn: arn,
        hookId: paused.lifecycleHookDetails?.[0]?.hookId,
        action: 'ROLLBACK',
      }),
    );
    const rolledBack = await until(arn, (d) => d.status === 'ROLLBACK_SUCCESSFUL');
    expect(rolledBack.rollback?.reason).toMatch(/ContinueServiceDeployment/);
    expect(world.traffic('actors').targetGroups[greenGroup]).toMatchObject({
      production: 0,
      test: 3,
      healthyTargets: 0,
    });
    expect(await liveDigest()).toBe(before);
  }, 60_000);

  it('StopServiceDeployment ROLLBACK during the canary step puts production back on blue (ROLLBACK_SUCCESSFUL)', async () => {
    const { arn, taskDefinition, before } = await deploy({
      strategy: 'CANARY',
      canaryConfiguration: { canaryPercent: 50, canaryBakeTimeInMinutes: 60 },
      bakeTimeInMinutes: 0,
    });
    await until(arn, (d) => d.lifecycleStage === 'PRODUCTION_TRAFFIC_SHIFT');
    const previous = (await describe1(arn)).sourceServiceRevisions?.[0]?.arn;
    await ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: arn, stopType: 'ROLLBACK' }));
    const rolledBack = await until(arn, (d) => d.status === 'ROLLBACK_SUCCESSFUL');
    expect(rolledBack.rollback).toMatchObject({ serviceRevisionArn: previous });
    expect(rolledBack.rollback?.reason).toMatch(/StopServiceDeployment/);
    expect(rolledBack.targetServiceRevision?.requestedProductionTrafficWeight).toBe(0);
    expect(await sample(6)).toEqual({ [String(before)]: 6 });
    const service = (await ecs.send(new DescribeServicesCommand({ cluster: 'gitops', services: ['actors'] })))
      .services?.[0];
    const primary = service?.deployments?.find((d) => d.status === 'PRIMARY');
    expect(primary?.taskDefinition).not.toBe(taskDefinition);
    const listed = await ecs.send(
      new ListServiceDeploymentsCommand({
        cluster: 'gitops',
        service: 'actors',
        status: ['ROLLBACK_SUCCESSFUL'],
      }),
    );
    expect(listed.serviceDeployments?.map((d) => d.serviceDeploymentArn)).toContain(arn);
  }, 60_000);

  it('a CloudWatch alarm in ALARM during the canary rolls the deployment back (alarms.rollback)', async () => {
    world.setAlarm('actors-5xx', 'OK');
    const { arn, before } = await deploy({
      strategy: 'CANARY',
      canaryConfiguration: { canaryPercent: 20, canaryBakeTimeInMinutes: 60 },
      bakeTimeInMinutes: 0,
      alarms: { alarmNames: ['actors-5xx'], enable: true, rollback: true },
    });
    await until(arn, (d) => d.lifecycleStage === 'PRODUCTION_TRAFFIC_SHIFT');
    expect((await describe1(arn)).alarms).toMatchObject({ status: 'MONITORING', alarmNames: ['actors-5xx'] });
    // Through the admin endpoint, as a user at a terminal would.
    const put = await fetch(`${world.endpoints.ecs}/_local/alarms/actors-5xx`, {
      method: 'PUT',
      body: JSON.stringify({ state: 'ALARM' }),
    });
    expect(put.status).toBe(200);
    const rolledBack = await until(arn, (d) => d.status === 'ROLLBACK_SUCCESSFUL');
    expect(rolledBack.alarms).toMatchObject({ status: 'TRIGGERED', triggeredAlarmNames: ['actors-5xx'] });
    expect(rolledBack.rollback?.reason).toMatch(/actors-5xx/);
    expect(await sample(4)).toEqual({ [String(before)]: 4 });
    world.setAlarm('actors-5xx', 'OK');
  }, 60_000);

  it('the admin endpoint reports the weights and per-target-group counts', async () => {
    const response = await fetch(`${world.endpoints.ecs}/_local/traffic/actors`);
    expect(response.status).toBe(200);
    const view = (await response.json()) as ReturnType<LocalWorld['traffic']>;
    expect(view).toEqual(world.traffic('actors'));
    expect(Object.keys(view.targetGroups).sort()).toEqual([BLUE_TG, GREEN_TG].sort());
    expect(Object.values(view.productionWeights)).toEqual([100]);
  });

  // "ECS Deployment State Change" to the queue as the EventBridge rule delivers it: COMPLETED "once a
  // service reaches a steady state after a deployment", FAILED when it fails
  // (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_service_deployment_events.html).
  it('sends ECS Deployment State Change events: COMPLETED for finished shifts, FAILED for rolled-back ones', async () => {
    const sqs = clients(world).sqs;
    const events: EcsDeploymentStateChangeEvent[] = [];
    for (;;) {
      const answer = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: world.queueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 0,
          VisibilityTimeout: 60,
        }),
      );
      if (!answer.Messages?.length) break;
      for (const message of answer.Messages) {
        events.push(JSON.parse(message.Body ?? '{}') as EcsDeploymentStateChangeEvent);
        // A FIFO group hands out its next messages only once these are deleted.
        await sqs.send(
          new DeleteMessageCommand({ QueueUrl: world.queueUrl, ReceiptHandle: message.ReceiptHandle }),
        );
      }
    }
    const named = (deploymentId: string) =>
      events
        .filter((event) => event.detail.deploymentId === deploymentId)
        .map((event) => event.detail.eventName);
    const outcomes = await Promise.all(
      [...deploymentIds].map(async ([arn, id]) => [(await describe1(arn)).status, named(id)] as const),
    );
    for (const [status, names] of outcomes) {
      if (status === 'SUCCESSFUL') expect(names).toContain('SERVICE_DEPLOYMENT_COMPLETED');
      if (status === 'ROLLBACK_SUCCESSFUL') expect(names).toContain('SERVICE_DEPLOYMENT_FAILED');
    }
    expect(outcomes.map(([status]) => status)).toEqual([
      'SUCCESSFUL',
      'SUCCESSFUL',
      'SUCCESSFUL',
      'ROLLBACK_SUCCESSFUL',
      'ROLLBACK_SUCCESSFUL',
      'ROLLBACK_SUCCESSFUL',
    ]);
  });

  // StopServiceDeployment and alarm rollback work for ROLLING too ("You can use this option even if you
  // didn't configure the service deployment for the rollback option", stop-service-deployment.html): a
  // rolling deployment of an image whose tasks never start, circuit breaker off, stays IN_PROGRESS until
  // stopped, then the last completed revision runs again.
  it.each([
    { how: 'StopServiceDeployment', alarms: undefined },
    { how: 'an alarm in ALARM', alarms: { alarmNames: ['actors-latency'], enable: true, rollback: true } },
  ])(
    'a ROLLING deployment that cannot start is rolled back by $how (ROLLBACK_SUCCESSFUL)',
    async ({ how, alarms }) => {
      world.setAlarm('actors-latency', 'OK');
      const before = await liveDigest();
      const current = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'actors' }));
      const container = current.taskDefinition?.containerDefinitions?.[0];
      const broken = await ecs.send(
        new RegisterTaskDefinitionCommand({
          family: 'actors',
          containerDefinitions: [
            { ...container, name: container?.name ?? 'actors', image: 'no-such-repository:1' },
          ],
          cpu: '256',
          memory: '512',
        }),
      );
      await ecs.send(
        new UpdateServiceCommand({
          cluster: 'gitops',
          service: 'actors',
          taskDefinition: broken.taskDefinition?.taskDefinitionArn,
          deploymentConfiguration: {
            strategy: 'ROLLING',
            deploymentCircuitBreaker: { enable: false, rollback: false },
            ...(alarms ? { alarms } : {}),
          },
        }),
      );
      const listed = await ecs.send(
        new ListServiceDeploymentsCommand({ cluster: 'gitops', service: 'actors' }),
      );
      const arn = listed.serviceDeployments?.[0]?.serviceDeploymentArn ?? '';
      const running = await describe1(arn);
      expect(running.status).toBe('IN_PROGRESS');
      expect(running.lifecycleStage).toBeUndefined();
      if (how === 'StopServiceDeployment')
        await ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: arn, stopType: 'ROLLBACK' }));
      else world.setAlarm('actors-latency', 'ALARM');
      const rolledBack = await until(arn, (d) => d.status === 'ROLLBACK_SUCCESSFUL');
      expect(rolledBack.rollback?.serviceRevisionArn).toBe(running.sourceServiceRevisions?.[0]?.arn);
      expect(await liveDigest()).toBe(before);
      world.setAlarm('actors-latency', 'OK');
    },
    60_000,
  );
});
