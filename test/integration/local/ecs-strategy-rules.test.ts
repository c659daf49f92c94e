// The rules AWS states for deployment strategies, enforced by the ECS stand-in with AWS's error codes so
// that a deployer request AWS would refuse fails locally first (each rule cites its page in
// local/ecs/deployment-configuration.ts and service-deployments.ts). moto accepts all of these
// (test/contract/moto-limits.ts), so the stand-in alone checks them.
import {
  CreateClusterCommand,
  CreateServiceCommand,
  type CreateServiceCommandInput,
  DescribeServicesCommand,
  ListServiceDeploymentsCommand,
  RegisterTaskDefinitionCommand,
  StopServiceDeploymentCommand,
  type StopServiceDeploymentCommandInput,
  UpdateServiceCommand,
  type UpdateServiceCommandInput,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTORS_LOAD_BALANCER, type LocalWorld, startLocalWorld } from '../../../local/world.ts';
import { clients, echoWorldOptions, eventually } from './helpers.ts';

let world: LocalWorld;
let ecs: ReturnType<typeof clients>['ecs'];
let definition = '';

const { targetGroupArn, alternateTargetGroupArn, productionListenerRule, roleArn } = ACTORS_LOAD_BALANCER;
const withAlternate = [
  {
    targetGroupArn,
    containerName: 'app',
    containerPort: 5000,
    advancedConfiguration: { alternateTargetGroupArn, productionListenerRule, roleArn },
  },
];

beforeAll(async () => {
  world = await startLocalWorld(echoWorldOptions({ seed: false }));
  ecs = clients(world).ecs;
  await ecs.send(new CreateClusterCommand({ clusterName: 'rules' }));
  const registered = await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'rules',
      containerDefinitions: [{ name: 'app', image: 'actors:1.0.0' }],
    }),
  );
  definition = registered.taskDefinition?.taskDefinitionArn ?? '';
  const create = (serviceName: string, loadBalancers: CreateServiceCommandInput['loadBalancers']) =>
    ecs.send(
      new CreateServiceCommand({
        cluster: 'rules',
        serviceName,
        taskDefinition: definition,
        desiredCount: 0,
        loadBalancers,
      }),
    );
  await create('one-target-group', [{ targetGroupArn, containerName: 'app', containerPort: 5000 }]);
  await create('two-target-groups', withAlternate);
});
afterAll(async () => {
  await world.stop();
});

async function refused(send: () => Promise<unknown>): Promise<{ name: string; message: string }> {
  const error = (await send().then(
    () => undefined,
    (e: unknown) => e,
  )) as { name: string; message: string } | undefined;
  if (!error) throw new Error('the stand-in accepted a request AWS refuses');
  return error;
}

const update = (
  service: string,
  deploymentConfiguration: unknown,
  extra: Partial<UpdateServiceCommandInput> = {},
) =>
  ecs.send(
    new UpdateServiceCommand({
      cluster: 'rules',
      service,
      deploymentConfiguration:
        deploymentConfiguration as UpdateServiceCommandInput['deploymentConfiguration'],
      ...extra,
    }),
  );

describe('ECS stand-in refuses what AWS refuses for deployment strategies', () => {
  it.each([
    {
      rule: 'BLUE_GREEN, LINEAR and CANARY need loadBalancers[].advancedConfiguration',
      service: 'one-target-group',
      configuration: { strategy: 'CANARY' },
      error: /needs a load balancer with advancedConfiguration/,
    },
    {
      rule: 'the circuit breaker is for ROLLING only',
      service: 'two-target-groups',
      configuration: { strategy: 'CANARY', deploymentCircuitBreaker: { enable: true, rollback: true } },
      error: /circuit breaker can only be used with the ROLLING deployment strategy/,
    },
    {
      rule: 'BLUE_GREEN needs bakeTimeInMinutes',
      service: 'two-target-groups',
      configuration: { strategy: 'BLUE_GREEN' },
      error: /bakeTimeInMinutes is required with the BLUE_GREEN strategy/,
    },
    {
      rule: 'canaryPercent is a multiple of 0.1 from 0.1 to 100.0 (too small)',
      service: 'two-target-groups',
      configuration: { strategy: 'CANARY', canaryConfiguration: { canaryPercent: 0.05 } },
      error: /canaryPercent must be a multiple of 0\.1 from 0\.1 to 100\.0/,
    },
    {
      rule: 'canaryPercent is a multiple of 0.1 (not 10.05)',
      service: 'two-target-groups',
      configuration: { strategy: 'CANARY', canaryConfiguration: { canaryPercent: 10.05 } },
      error: /canaryPercent must be a multiple of 0\.1/,
    },
    {
      rule: 'stepPercent is a multiple of 0.1 from 3.0 to 100.0',
      service: 'two-target-groups',
      configuration: { strategy: 'LINEAR', linearConfiguration: { stepPercent: 2.9 } },
      error: /stepPercent must be a multiple of 0\.1 from 3\.0 to 100\.0/,
    },
    {
      rule: 'bake minutes are 0 to 1440',
      service: 'two-target-groups',
      configuration: { strategy: 'CANARY', canaryConfiguration: { canaryBakeTimeInMinutes: 1441 } },
      error: /from 0 to 1440/,
    },
    {
      rule: 'canaryConfiguration only with CANARY',
      service: 'two-target-groups',
      configuration: { strategy: 'LINEAR', canaryConfiguration: { canaryPercent: 10 } },
      error: /canaryConfiguration is only valid when the deployment strategy is CANARY/,
    },
    {
      rule: 'an unknown strategy',
      service: 'two-target-groups',
      configuration: { strategy: 'FAST' },
      error: /strategy must be one of ROLLING, BLUE_GREEN, LINEAR, CANARY/,
    },
    {
      rule: 'alarms need enable and rollback',
      service: 'two-target-groups',
      configuration: { strategy: 'CANARY', alarms: { alarmNames: ['a'], enable: true } },
      error: /alarms\.rollback is required/,
    },
    {
      rule: 'PAUSE hooks cannot wait at TEST_TRAFFIC_SHIFT',
      service: 'two-target-groups',
      configuration: {
        strategy: 'BLUE_GREEN',
        bakeTimeInMinutes: 0,
        lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['TEST_TRAFFIC_SHIFT'] }],
      },
      error: /PAUSE hooks cannot be configured at the TEST_TRAFFIC_SHIFT stage/,
    },
  ])('UpdateService: $rule (InvalidParameterException)', async ({ service, configuration, error }) => {
    const before = (await ecs.send(new DescribeServicesCommand({ cluster: 'rules', services: [service] })))
      .services?.[0];
    const refusal = await refused(() => update(service, configuration));
    expect(refusal.name).toBe('InvalidParameterException');
    expect(refusal.message).toMatch(error);
    const after = (await ecs.send(new DescribeServicesCommand({ cluster: 'rules', services: [service] })))
      .services?.[0];
    expect(after?.deploymentConfiguration).toEqual(before?.deploymentConfiguration);
  });

  it('UpdateService: advancedConfiguration without the ECS role is refused for a traffic shift', async () => {
    const refusal = await refused(() =>
      update(
        'one-target-group',
        { strategy: 'CANARY' },
        {
          loadBalancers: [
            {
              targetGroupArn,
              containerName: 'app',
              containerPort: 5000,
              advancedConfiguration: { alternateTargetGroupArn, productionListenerRule },
            },
          ],
        },
      ),
    );
    expect(refusal.message).toMatch(/advancedConfiguration\.roleArn/);
  });

  it('CreateService: BLUE_GREEN with the CODE_DEPLOY controller is refused (ECS controller only)', async () => {
    const refusal = await refused(() =>
      ecs.send(
        new CreateServiceCommand({
          cluster: 'rules',
          serviceName: 'code-deploy',
          taskDefinition: definition,
          desiredCount: 0,
          loadBalancers: withAlternate,
          deploymentController: { type: 'CODE_DEPLOY' },
          deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 5 },
        }),
      ),
    );
    expect(refusal.name).toBe('InvalidParameterException');
    expect(refusal.message).toMatch(/only valid with the ECS deployment controller/);
  });

  it('UpdateService: a Lambda lifecycle hook is refused as unsupported locally (PAUSE hooks only)', async () => {
    const refusal = await refused(() =>
      update('two-target-groups', {
        strategy: 'BLUE_GREEN',
        bakeTimeInMinutes: 0,
        lifecycleHooks: [
          {
            hookTargetArn: 'arn:aws:lambda:us-east-1:000000000000:function:x',
            lifecycleStages: ['POST_SCALE_UP'],
          },
        ],
      }),
    );
    expect(refusal.name).toBe('UnsupportedFeatureException');
  });

  it('a valid CANARY configuration is kept and described back with the documented defaults', async () => {
    await update('two-target-groups', { strategy: 'CANARY', canaryConfiguration: { canaryPercent: 12.5 } });
    const service = (
      await ecs.send(new DescribeServicesCommand({ cluster: 'rules', services: ['two-target-groups'] }))
    ).services?.[0];
    expect(service?.deploymentConfiguration).toMatchObject({
      strategy: 'CANARY',
      canaryConfiguration: { canaryPercent: 12.5, canaryBakeTimeInMinutes: 10 },
    });
    expect(service?.loadBalancers?.[0]?.advancedConfiguration).toMatchObject({
      alternateTargetGroupArn,
      roleArn,
    });
  });

  it.each([
    { what: 'a finished deployment', input: 'finished', name: 'ConflictException', error: /SUCCESSFUL/ },
    {
      what: 'stopType ABORT',
      input: 'abort',
      name: 'InvalidParameterException',
      error: /valid value is ROLLBACK/,
    },
    {
      what: 'an unknown ARN',
      input: 'unknown',
      name: 'ServiceDeploymentNotFoundException',
      error: /not found/,
    },
  ])('StopServiceDeployment of $what is refused ($name)', async ({ input, name, error }) => {
    const listed = await eventually(async () => {
      const answer = await ecs.send(
        new ListServiceDeploymentsCommand({ cluster: 'rules', service: 'one-target-group' }),
      );
      return answer.serviceDeployments?.[0]?.status === 'SUCCESSFUL' ? answer : undefined;
    });
    const arn = listed.serviceDeployments?.[0]?.serviceDeploymentArn ?? '';
    const request: StopServiceDeploymentCommandInput =
      input === 'unknown'
        ? { serviceDeploymentArn: `${arn}-gone`, stopType: 'ROLLBACK' }
        : { serviceDeploymentArn: arn, stopType: input === 'abort' ? 'ABORT' : 'ROLLBACK' };
    const refusal = await refused(() => ecs.send(new StopServiceDeploymentCommand(request)));
    expect(refusal.name).toBe(name);
    expect(refusal.message).toMatch(error);
  });
});
