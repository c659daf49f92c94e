// The update step sends the configured deployment strategy with the same UpdateService that points the
// service at the new revision, and refuses (terminally, before any UpdateService) a strategy ECS cannot
// run on this service.
import { describe, expect, it } from 'vitest';
import type { LiveDeploymentSettings } from '../../../deployer/domain/rollout-strategy.ts';
import type { ServiceConfig } from '../../../deployer/domain/types.ts';
import { updateService } from '../../../deployer/runtime/rollout/update.ts';
import { actorsServiceConfig, FakeClock, FakeEcs } from '../../support/fakes/index.ts';
import { fakeRolloutContext } from '../../support/rollout-context.ts';

const TG = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup';
const CANARY: ServiceConfig['rollout'] = {
  timeoutSeconds: 1800,
  rollback: true,
  strategy: { strategy: 'canary', canary: { percent: 10, bakeMinutes: 3 } },
};

function setup(rollout: ServiceConfig['rollout'], settings: LiveDeploymentSettings) {
  const clock = new FakeClock();
  const ecs = new FakeEcs(clock);
  ecs.seed({ service: 'actors', image: 'actors:1' });
  const next = ecs.seed({ service: 'other', family: 'actors', image: 'actors:2' });
  const describe = ecs.describeService.bind(ecs);
  ecs.describeService = async (cluster, service, signal) => ({
    ...(await describe(cluster, service, signal)),
    deploymentSettings: structuredClone(settings),
  });
  const ctx = fakeRolloutContext(ecs, clock, { service: actorsServiceConfig({ rollout }) });
  return { ctx, ecs, next };
}

const withTargetGroups: LiveDeploymentSettings = {
  controller: 'ECS',
  configuration: {
    maximumPercent: 200,
    minimumHealthyPercent: 100,
    deploymentCircuitBreaker: { enable: true, rollback: true },
  },
  loadBalancers: [{ targetGroupArn: `${TG}/blue/1`, alternateTargetGroupArn: `${TG}/green/2` }],
};

describe('updateService step with rollout.strategy', () => {
  it('updateService sends the canary deploymentConfiguration with the new revision', async () => {
    const { ctx, ecs, next } = setup(CANARY, withTargetGroups);
    expect(await updateService(ctx, next)).toMatchObject({ live: { taskDefinitionArn: next } });
    expect(ecs.calls.update).toEqual([next]);
    expect(ecs.calls.deploymentConfigurations).toEqual([
      {
        service: 'actors',
        configuration: {
          maximumPercent: 200,
          minimumHealthyPercent: 100,
          strategy: 'CANARY',
          canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 3 },
        },
      },
    ]);
  });

  it('updateService sends no deploymentConfiguration for a service whose config names no strategy', async () => {
    const { ctx, ecs, next } = setup({ timeoutSeconds: 900, rollback: true }, withTargetGroups);
    await updateService(ctx, next);
    expect(ecs.calls.update).toEqual([next]);
    expect(ecs.calls.deploymentConfigurations).toEqual([]);
  });

  it('updateService refuses a canary on a service without an alternate target group, before any UpdateService', async () => {
    const { ctx, ecs, next } = setup(CANARY, {
      ...withTargetGroups,
      loadBalancers: [{ targetGroupArn: `${TG}/blue/1` }],
    });
    await expect(updateService(ctx, next)).rejects.toMatchObject({
      code: 'STRATEGY_UNSUPPORTED',
      retryable: false,
      message: expect.stringContaining('no alternate target group'),
    });
    expect(ecs.calls.update).toEqual([]);
  });
});
