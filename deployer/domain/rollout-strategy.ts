// How ECS itself rolls a service out (`rollout.strategy` in config) and what UpdateService is sent for
// it. ECS's native strategies (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_service-options.html):
// ROLLING replaces tasks in place; BLUE_GREEN starts the new revision beside the old one, sends it test
// traffic, then all production traffic; CANARY shifts a share of production traffic first, the rest after a
// bake; LINEAR shifts equal steps. Pure: the ECS adapter sends what `planDeploymentConfiguration` returns.
import { type EcsLifecycleHook, planLifecycleHooks } from './test-traffic-hold.ts';

export type RolloutStrategy = 'rolling' | 'blue-green' | 'linear' | 'canary';
export const ROLLOUT_STRATEGIES: readonly RolloutStrategy[] = ['rolling', 'blue-green', 'linear', 'canary'];

/** DeploymentConfiguration.strategy's values (API_DeploymentConfiguration.html). */
export type EcsStrategy = 'ROLLING' | 'BLUE_GREEN' | 'LINEAR' | 'CANARY';
export const ECS_STRATEGY: Record<RolloutStrategy, EcsStrategy> = {
  rolling: 'ROLLING',
  'blue-green': 'BLUE_GREEN',
  linear: 'LINEAR',
  canary: 'CANARY',
};

/**
 * ECS's own limits and defaults, so `validate` refuses what UpdateService would, and an omitted field
 * means what it means to ECS:
 * - canaryPercent: "multiples of 0.1 from 0.1 to 100.0. The default value is 5.0"; canaryBakeTimeInMinutes:
 *   "0 to 1440 minutes (24 hours). The default value is 10"
 *   (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CanaryConfiguration.html).
 * - stepPercent: "multiples of 0.1 from 3.0 to 100.0. The default value is 10.0"; stepBakeTimeInMinutes:
 *   "0 to 1440 minutes (24 hours). The default value is 6. This bake time is not applied after reaching
 *   100 percent traffic" (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_LinearConfiguration.html).
 * - bakeTimeInMinutes: 0-1440 (the AWS::ECS::Service resource schema, DeploymentConfiguration
 *   BakeTimeInMinutes minimum 0, maximum 1440), and "You must provide this parameter when you use the
 *   BLUE_GREEN deployment strategy" (API_DeploymentConfiguration.html): ECS has no default for blue/green,
 *   so neither do we (validate asks for it).
 */
export const ECS_STRATEGY_LIMITS = {
  bakeMinutes: { min: 0, max: 1440 },
  canary: { percent: { min: 0.1, max: 100, default: 5 }, bakeMinutes: { min: 0, max: 1440, default: 10 } },
  linear: {
    stepPercent: { min: 3, max: 100, default: 10 },
    stepBakeMinutes: { min: 0, max: 1440, default: 6 },
  },
  /** CloudWatch PutMetricAlarm AlarmName: length 1-255 (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html). */
  alarmName: { maxLength: 255 },
} as const;

/** Where the deployer sends test requests to the new revision before production traffic moves. */
export type TestTraffic = { header: { name: string; value: string } } | { listenerRule: string };

/** `rollout.strategy` and its settings with ECS's defaults filled in. */
export interface StrategySettings {
  strategy: RolloutStrategy;
  /** Minutes blue and green both run after production traffic moved (not for rolling); absent: ECS's. */
  bakeMinutes?: number;
  canary?: { percent: number; bakeMinutes: number };
  linear?: { stepPercent: number; stepBakeMinutes: number };
  /** CloudWatch alarms ECS watches during the deployment; absent: the service keeps the ones it has. */
  alarms?: string[];
  testTraffic?: TestTraffic;
}

/** Is `value` a multiple of 0.1, as ECS's percentages must be (floating point safe: 0.3 is one). */
export function isTenth(value: number): boolean {
  return Math.abs(value * 10 - Math.round(value * 10)) < 1e-9;
}

/**
 * How many times ECS waits stepBakeMinutes in a linear deployment: "If StepPercent evenly divides by 100:
 * (100 ÷ StepPercent) - 1; otherwise the floor of 100 ÷ StepPercent", as the bake time is not applied after
 * the shift that reaches 100 % (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-ecs-service-linearconfiguration.html).
 */
function linearBakeSteps(stepPercent: number): number {
  const tenths = Math.round(stepPercent * 10);
  return 1000 % tenths === 0 ? 1000 / tenths - 1 : Math.floor(1000 / tenths);
}

/** Minutes ECS spends baking at the least (canary or step bakes, then the final bake), before any task work. */
export function minimumBakeMinutes(settings: StrategySettings): number {
  const final = settings.bakeMinutes ?? 0;
  if (settings.strategy === 'canary' && settings.canary) return settings.canary.bakeMinutes + final;
  if (settings.strategy === 'linear' && settings.linear)
    return settings.linear.stepBakeMinutes * linearBakeSteps(settings.linear.stepPercent) + final;
  return settings.strategy === 'rolling' ? 0 : final;
}

/**
 * ECS's DeploymentConfiguration as plain data (the API's field names, so the adapter sends it as it is).
 * Fields the deployer does not own (minimumHealthyPercent, maximumPercent, other lifecycleHooks...) ride
 * along unchanged from what the service has.
 */
export interface EcsDeploymentConfiguration {
  strategy?: string;
  bakeTimeInMinutes?: number;
  canaryConfiguration?: { canaryPercent?: number; canaryBakeTimeInMinutes?: number };
  linearConfiguration?: { stepPercent?: number; stepBakeTimeInMinutes?: number };
  deploymentCircuitBreaker?: { enable?: boolean; rollback?: boolean };
  alarms?: { alarmNames?: string[]; enable?: boolean; rollback?: boolean };
  lifecycleHooks?: EcsLifecycleHook[];
  [field: string]: unknown;
}

/** What DescribeServices says about how the service deploys (LiveService.deploymentSettings). */
export interface LiveDeploymentSettings {
  /** deploymentController.type; ECS when the service never set one. */
  controller: string;
  configuration: EcsDeploymentConfiguration;
  /** One entry per load balancer of the service: does it have advancedConfiguration with an alternate target group. */
  loadBalancers: { targetGroupArn?: string; alternateTargetGroupArn?: string }[];
}

export type DeploymentConfigurationPlan =
  /** `configuration`: send it with UpdateService; absent: the service already deploys as configured. */
  { ok: true; configuration?: EcsDeploymentConfiguration } | { ok: false; message: string };

const TRAFFIC_SHIFTING: ReadonlySet<RolloutStrategy> = new Set(['blue-green', 'linear', 'canary']);

function sameJson(a: unknown, b: unknown): boolean {
  const canonical = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(canonical)
      : value !== null && typeof value === 'object'
        ? Object.fromEntries(
            Object.entries(value)
              .filter(([, v]) => v !== undefined)
              .sort(([x], [y]) => (x < y ? -1 : 1))
              .map(([k, v]) => [k, canonical(v)]),
          )
        : value;
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

/**
 * The deploymentConfiguration to send with the next UpdateService, or why ECS would refuse the strategy.
 * The config owns strategy, bake times, canary/linear settings and (when it lists any) the alarms; every
 * other field is copied from the live service, so the call never resets what CDK or an operator set
 * (moto 5.2 replaces the whole object on UpdateService, so anything not sent would be lost there).
 * `settings` absent: the config does not manage the strategy and nothing is sent. `hold`: the PAUSE hook
 * that keeps a blue/green at test traffic for our verification (test-traffic-hold.ts), added to the
 * service's other hooks; absent: a hold of ours left from an earlier config is removed.
 */
export function planDeploymentConfiguration(
  settings: StrategySettings | undefined,
  rollbackOnFailure: boolean,
  live: LiveDeploymentSettings | undefined,
  hold?: EcsLifecycleHook,
): DeploymentConfigurationPlan {
  if (settings === undefined) return { ok: true };
  const strategy = ECS_STRATEGY[settings.strategy];
  // Strategies and deployment alarms work only with the ECS deployment controller
  // (API_CanaryConfiguration.html: "deploymentController set to ECS"; API_DeploymentAlarms.html).
  if (live && live.controller !== 'ECS')
    return {
      ok: false,
      message: `rollout.strategy ${settings.strategy} needs the ECS deployment controller, but the service uses ${live.controller}; recreate the service with deploymentController ECS or remove rollout.strategy`,
    };
  // Traffic shifting moves traffic between two target groups: the service's load balancer needs
  // advancedConfiguration with an alternate target group
  // (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/alb-resources-for-blue-green.html).
  if (
    live &&
    TRAFFIC_SHIFTING.has(settings.strategy) &&
    !live.loadBalancers.some((lb) => lb.alternateTargetGroupArn)
  )
    return {
      ok: false,
      message: `rollout.strategy ${settings.strategy} shifts traffic between two target groups, but the service has ${live.loadBalancers.length === 0 ? 'no load balancer' : 'no alternate target group (loadBalancers[].advancedConfiguration)'}; deploy the CDK stack with this config (it creates them) or use strategy rolling`,
    };
  const current = live?.configuration ?? {};
  const {
    strategy: _strategy,
    bakeTimeInMinutes: _bake,
    canaryConfiguration: _canary,
    linearConfiguration: _linear,
    deploymentCircuitBreaker,
    alarms,
    ...unowned
  } = current;
  const next: EcsDeploymentConfiguration = { ...unowned, strategy };
  // "The deployment circuit breaker can only be used for services using the rolling update" (API_DeploymentConfiguration.html).
  if (strategy === 'ROLLING' && deploymentCircuitBreaker)
    next.deploymentCircuitBreaker = deploymentCircuitBreaker;
  if (strategy !== 'ROLLING' && settings.bakeMinutes !== undefined)
    next.bakeTimeInMinutes = settings.bakeMinutes;
  if (strategy === 'CANARY' && settings.canary)
    next.canaryConfiguration = {
      canaryPercent: settings.canary.percent,
      canaryBakeTimeInMinutes: settings.canary.bakeMinutes,
    };
  if (strategy === 'LINEAR' && settings.linear)
    next.linearConfiguration = {
      stepPercent: settings.linear.stepPercent,
      stepBakeTimeInMinutes: settings.linear.stepBakeMinutes,
    };
  if (settings.alarms !== undefined)
    next.alarms = { alarmNames: [...settings.alarms], enable: true, rollback: rollbackOnFailure };
  else if (alarms) next.alarms = alarms;
  const hooks = planLifecycleHooks(current.lifecycleHooks, hold);
  if (hooks) next.lifecycleHooks = hooks;
  return sameJson(next, current) ? { ok: true } : { ok: true, configuration: next };
}
