// planDeploymentConfiguration: what UpdateService carries for `rollout.strategy`. The config owns the
// strategy fields; everything else the service has rides along, so the deployer never resets what CDK
// or an operator set; AWS's rules (ECS controller, circuit breaker only for rolling, an alternate target
// group for traffic shifting) are refused before ECS would.
import { describe, expect, it } from 'vitest';
import {
  type LiveDeploymentSettings,
  minimumBakeMinutes,
  planDeploymentConfiguration,
} from '../../../deployer/domain/rollout-strategy.ts';
import { testTrafficHoldHook } from '../../../deployer/domain/test-traffic-hold.ts';

const TG = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup';
/** A service as the CDK stack leaves it: rolling with circuit breaker, alarms, min/max, two target groups. */
const cdkService = (): LiveDeploymentSettings => ({
  controller: 'ECS',
  configuration: {
    maximumPercent: 200,
    minimumHealthyPercent: 100,
    deploymentCircuitBreaker: { enable: true, rollback: true },
    alarms: { alarmNames: ['ecs-gitops-ActorsTarget5xx'], enable: true, rollback: true },
  },
  loadBalancers: [{ targetGroupArn: `${TG}/blue/1`, alternateTargetGroupArn: `${TG}/green/2` }],
});

describe('planDeploymentConfiguration', () => {
  it('sends nothing when the config names no strategy', () => {
    expect(planDeploymentConfiguration(undefined, true, cdkService())).toEqual({ ok: true });
  });

  it('sends a canary with its settings, keeps min/max and the alarms, drops the circuit breaker', () => {
    const plan = planDeploymentConfiguration(
      { strategy: 'canary', bakeMinutes: 2, canary: { percent: 10, bakeMinutes: 3 } },
      true,
      cdkService(),
    );
    expect(plan).toEqual({
      ok: true,
      configuration: {
        maximumPercent: 200,
        minimumHealthyPercent: 100,
        alarms: { alarmNames: ['ecs-gitops-ActorsTarget5xx'], enable: true, rollback: true },
        strategy: 'CANARY',
        bakeTimeInMinutes: 2,
        canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 3 },
      },
    });
  });

  it("replaces the service's alarms with the config's and rolls back as rollout.rollback says", () => {
    const plan = planDeploymentConfiguration(
      { strategy: 'linear', linear: { stepPercent: 25, stepBakeMinutes: 1 }, alarms: ['web-5xx'] },
      false,
      cdkService(),
    );
    expect(plan.ok && plan.configuration).toMatchObject({
      strategy: 'LINEAR',
      linearConfiguration: { stepPercent: 25, stepBakeTimeInMinutes: 1 },
      alarms: { alarmNames: ['web-5xx'], enable: true, rollback: false },
    });
  });

  it('keeps the circuit breaker for rolling and removes the settings of the strategy it leaves', () => {
    const live = cdkService();
    live.configuration = {
      ...live.configuration,
      strategy: 'CANARY',
      bakeTimeInMinutes: 2,
      canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 3 },
    };
    const plan = planDeploymentConfiguration({ strategy: 'rolling' }, true, live);
    expect(plan.ok && plan.configuration).toEqual({
      maximumPercent: 200,
      minimumHealthyPercent: 100,
      deploymentCircuitBreaker: { enable: true, rollback: true },
      alarms: { alarmNames: ['ecs-gitops-ActorsTarget5xx'], enable: true, rollback: true },
      strategy: 'ROLLING',
    });
  });

  it('sends nothing when the service already deploys as configured', () => {
    const live = cdkService();
    const first = planDeploymentConfiguration({ strategy: 'blue-green', bakeMinutes: 5 }, true, live);
    if (!first.ok || !first.configuration) throw new Error('expected a configuration');
    live.configuration = first.configuration;
    expect(planDeploymentConfiguration({ strategy: 'blue-green', bakeMinutes: 5 }, true, live)).toEqual({
      ok: true,
    });
  });

  it('refuses a strategy on a service with another deployment controller', () => {
    const plan = planDeploymentConfiguration({ strategy: 'rolling' }, true, {
      ...cdkService(),
      controller: 'CODE_DEPLOY',
    });
    expect(plan).toMatchObject({
      ok: false,
      message: expect.stringContaining(
        'needs the ECS deployment controller, but the service uses CODE_DEPLOY',
      ),
    });
  });

  it.each([
    ['no load balancer', [], 'no load balancer'],
    [
      'a load balancer without an alternate target group',
      [{ targetGroupArn: `${TG}/blue/1` }],
      'no alternate target group',
    ],
  ])('refuses traffic shifting on a service with %s', (_title, loadBalancers, message) => {
    const plan = planDeploymentConfiguration(
      { strategy: 'canary', canary: { percent: 5, bakeMinutes: 10 } },
      true,
      {
        ...cdkService(),
        loadBalancers,
      },
    );
    expect(plan).toMatchObject({ ok: false, message: expect.stringContaining(message) });
  });

  it('allows rolling on a service without a load balancer', () => {
    expect(
      planDeploymentConfiguration({ strategy: 'rolling' }, true, { ...cdkService(), loadBalancers: [] }).ok,
    ).toBe(true);
  });
});

describe('bake arithmetic', () => {
  it.each([
    [10, 9],
    [50, 1],
    [100, 0],
    [11, 9],
    [3, 33],
    [33.3, 3],
  ])(
    'a linear rollout of %d %% steps bakes %d times (none after the step that reaches 100 %%)',
    (step, bakes) => {
      expect(
        minimumBakeMinutes({ strategy: 'linear', linear: { stepPercent: step, stepBakeMinutes: 1 } }),
      ).toBe(bakes);
    },
  );

  it('minimumBakeMinutes adds the canary or step bakes to the final bake', () => {
    expect(
      minimumBakeMinutes({ strategy: 'canary', bakeMinutes: 5, canary: { percent: 5, bakeMinutes: 10 } }),
    ).toBe(15);
    expect(minimumBakeMinutes({ strategy: 'linear', linear: { stepPercent: 25, stepBakeMinutes: 2 } })).toBe(
      6,
    );
    expect(minimumBakeMinutes({ strategy: 'blue-green', bakeMinutes: 7 })).toBe(7);
    expect(minimumBakeMinutes({ strategy: 'rolling' })).toBe(0);
  });

  it("carries the blue/green test-traffic hold with the service's other hooks, then sends nothing once live has it", () => {
    const settings = {
      strategy: 'blue-green',
      bakeMinutes: 0,
      testTraffic: { header: { name: 'x-test-traffic', value: '1' } },
    } as const;
    const hold = testTrafficHoldHook(settings, true, 600);
    const plan = planDeploymentConfiguration(settings, true, cdkService(), hold);
    if (!plan.ok || !plan.configuration) throw new Error('expected a configuration');
    expect(plan.configuration.lifecycleHooks).toEqual([hold]);
    const live = { ...cdkService(), configuration: plan.configuration };
    expect(planDeploymentConfiguration(settings, true, live, hold)).toEqual({ ok: true });
    // Switched to canary: the hold goes, the rest stays.
    const canary = planDeploymentConfiguration({ strategy: 'canary' }, true, live);
    expect(canary.ok && canary.configuration?.lifecycleHooks).toEqual([]);
  });
});
