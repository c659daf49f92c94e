// The ECS adapter's side of `rollout.strategy` against moto (the independent referee): DescribeServices
// is read into deploymentSettings (controller, deploymentConfiguration, alternate target groups), and the
// planned deploymentConfiguration goes out with UpdateService and comes back from DescribeServices, with
// the fields the deployer does not own (min/max, CDK's alarms) still there. What moto 5.2.1 does with
// these fields (checked here and recorded in test/contract/moto-limits.ts): CreateService drops
// deploymentConfiguration, UpdateService stores the object as sent (replacing the old one, no validation),
// loadBalancers[].advancedConfiguration is kept as given, lifecycleHooks (the blue/green test-traffic hold)
// are stored and described as sent, and ListServiceDeployments, DescribeServiceDeployments,
// StopServiceDeployment and ContinueServiceDeployment are not implemented.
import {
  CreateClusterCommand,
  CreateServiceCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsClients, createAwsClients } from '../../../deployer/adapters/aws/clients.ts';
import { EcsAdapter } from '../../../deployer/adapters/aws/ecs-adapter.ts';
import { planDeploymentConfiguration } from '../../../deployer/domain/rollout-strategy.ts';
import { testTrafficHoldHook } from '../../../deployer/domain/test-traffic-hold.ts';
import { type MotoAccount, motoAccount } from '../../support/moto-accounts.ts';

const signal = () => AbortSignal.timeout(60_000);
const TG = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup';
const CDK_CONFIGURATION = {
  maximumPercent: 200,
  minimumHealthyPercent: 100,
  deploymentCircuitBreaker: { enable: true, rollback: true },
  alarms: { alarmNames: ['ecs-gitops-ActorsTarget5xx'], enable: true, rollback: true },
};
let moto: MotoAccount;
let clients: AwsClients;
let adapter: EcsAdapter;
let revision: string;

beforeAll(async () => {
  moto = await motoAccount();
  clients = createAwsClients({
    endpoints: { ecs: moto.endpoint },
    credentials: moto.credentials,
    maxAttempts: 1,
  });
  adapter = new EcsAdapter(clients.ecs);
  await clients.ecs.send(new CreateClusterCommand({ clusterName: 'gitops' }));
  const registered = await clients.ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'web',
      containerDefinitions: [{ name: 'web', image: 'web:1', memory: 128 }],
    }),
  );
  revision = registered.taskDefinition?.taskDefinitionArn ?? '';
  await clients.ecs.send(
    new CreateServiceCommand({
      cluster: 'gitops',
      serviceName: 'web',
      taskDefinition: revision,
      desiredCount: 1,
      loadBalancers: [
        {
          targetGroupArn: `${TG}/blue/1`,
          containerName: 'web',
          containerPort: 8080,
          advancedConfiguration: {
            alternateTargetGroupArn: `${TG}/green/2`,
            productionListenerRule:
              'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/a/1/2/3',
            roleArn: 'arn:aws:iam::123456789012:role/ecs-traffic',
          },
        },
      ],
    }),
  );
  // moto drops deploymentConfiguration on CreateService: set what the CDK stack would have set.
  await clients.ecs.send(
    new UpdateServiceCommand({
      cluster: 'gitops',
      service: 'web',
      deploymentConfiguration: CDK_CONFIGURATION,
    }),
  );
});

afterAll(async () => {
  clients?.destroy();
  await moto?.stop();
});

describe('EcsAdapter and rollout.strategy over moto', () => {
  it('describeService reads the controller, the deploymentConfiguration and the alternate target group', async () => {
    const live = await adapter.describeService('gitops', 'web', signal());
    expect(live.deploymentSettings).toEqual({
      controller: 'ECS',
      configuration: CDK_CONFIGURATION,
      loadBalancers: [{ targetGroupArn: `${TG}/blue/1`, alternateTargetGroupArn: `${TG}/green/2` }],
    });
  });

  it('updateService sends the planned canary; DescribeServices then shows it with the fields CDK owns kept', async () => {
    const strategy = { strategy: 'canary', bakeMinutes: 2, canary: { percent: 10, bakeMinutes: 3 } } as const;
    const before = await adapter.describeService('gitops', 'web', signal());
    const plan = planDeploymentConfiguration(strategy, true, before.deploymentSettings);
    if (!plan.ok || !plan.configuration) throw new Error(`expected a configuration: ${JSON.stringify(plan)}`);
    await adapter.updateService('gitops', 'web', revision, signal(), {
      deploymentConfiguration: plan.configuration,
    });
    const after = await adapter.describeService('gitops', 'web', signal());
    expect(after.deploymentSettings?.configuration).toEqual({
      maximumPercent: 200,
      minimumHealthyPercent: 100,
      alarms: CDK_CONFIGURATION.alarms,
      strategy: 'CANARY',
      bakeTimeInMinutes: 2,
      canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 3 },
    });
    // In step now: the next rollout sends nothing.
    expect(planDeploymentConfiguration(strategy, true, after.deploymentSettings)).toEqual({ ok: true });
  });

  it('updateService sends the blue/green test-traffic hold; moto keeps the PAUSE hook, so the next plan sends nothing', async () => {
    const strategy = {
      strategy: 'blue-green',
      bakeMinutes: 1,
      testTraffic: { header: { name: 'x-test-traffic', value: '1' } },
    } as const;
    const hold = testTrafficHoldHook(strategy, true, 900);
    const before = await adapter.describeService('gitops', 'web', signal());
    const plan = planDeploymentConfiguration(strategy, true, before.deploymentSettings, hold);
    if (!plan.ok || !plan.configuration) throw new Error(`expected a configuration: ${JSON.stringify(plan)}`);
    await adapter.updateService('gitops', 'web', revision, signal(), {
      deploymentConfiguration: plan.configuration,
    });
    const after = await adapter.describeService('gitops', 'web', signal());
    expect(after.deploymentSettings?.configuration.lifecycleHooks).toEqual([
      {
        targetType: 'PAUSE',
        lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'],
        timeoutConfiguration: { timeoutInMinutes: 15, action: 'ROLLBACK' },
      },
    ]);
    expect(planDeploymentConfiguration(strategy, true, after.deploymentSettings, hold)).toEqual({ ok: true });
  });
});
