// CreateService/UpdateService `deploymentConfiguration` (strategy, bake times, canary and linear steps,
// alarms, lifecycle hooks) and `loadBalancers` (with the blue/green `advancedConfiguration`), read and
// checked the way ECS checks them, so a request AWS would refuse fails here first.
// API: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentConfiguration.html
import { AwsError } from '../aws-error.ts';
import type { JsonBody } from '../aws-json-protocol.ts';

export const STRATEGIES = ['ROLLING', 'BLUE_GREEN', 'LINEAR', 'CANARY'] as const;
export type Strategy = (typeof STRATEGIES)[number];
/** The strategies that shift traffic between two target groups (everything but ROLLING). */
export const isTrafficShift = (strategy: Strategy): boolean => strategy !== 'ROLLING';

export interface DeploymentAlarmsSetting {
  alarmNames: string[];
  enable: boolean;
  rollback: boolean;
}

export type HookAction = 'CONTINUE' | 'ROLLBACK';

/** A PAUSE lifecycle hook: the deployment waits at its stages for ContinueServiceDeployment. */
export interface PauseHookSetting {
  lifecycleStages: string[];
  timeoutInMinutes: number;
  timeoutAction: HookAction;
}

export interface DeploymentSettings {
  strategy: Strategy;
  maximumPercent: number;
  minimumHealthyPercent: number;
  bakeTimeInMinutes?: number;
  canaryConfiguration?: { canaryPercent: number; canaryBakeTimeInMinutes: number };
  linearConfiguration?: { stepPercent: number; stepBakeTimeInMinutes: number };
  alarms?: DeploymentAlarmsSetting;
  lifecycleHooks: PauseHookSetting[];
}

export const DEFAULT_DEPLOYMENT_SETTINGS: DeploymentSettings = {
  strategy: 'ROLLING',
  maximumPercent: 200,
  minimumHealthyPercent: 100,
  lifecycleHooks: [],
};

export interface ServiceLoadBalancer {
  targetGroupArn: string;
  containerName?: string;
  containerPort?: number;
  advancedConfiguration?: {
    alternateTargetGroupArn: string;
    productionListenerRule?: string;
    testListenerRule?: string;
    roleArn?: string;
  };
}

const invalid = (message: string) => new AwsError('InvalidParameterException', message);

function object(value: unknown, field: string): JsonBody | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid(`${field} must be an object`);
  return value as JsonBody;
}

function number(body: JsonBody, field: string, path: string): number | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw invalid(`${path}.${field} must be a number`);
  return value;
}

function boolean(body: JsonBody, field: string, path: string): boolean {
  const value = body[field];
  if (typeof value !== 'boolean') throw invalid(`${path}.${field} is required and must be a boolean`);
  return value;
}

/** "Valid values are 0 to 1440 minutes (24 hours)" (API_CanaryConfiguration.html, API_LinearConfiguration.html). */
function minutes(value: number | undefined, path: string, fallback: number): number {
  const chosen = value ?? fallback;
  if (!Number.isInteger(chosen) || chosen < 0 || chosen > 1440)
    throw invalid(`${path} must be a whole number of minutes from 0 to 1440.`);
  return chosen;
}

/** "Valid values are multiples of 0.1 from <min> to 100.0." */
function percent(value: number | undefined, path: string, min: number, fallback: number): number {
  const chosen = value ?? fallback;
  const tenths = chosen * 10;
  if (chosen < min || chosen > 100 || Math.abs(tenths - Math.round(tenths)) > 1e-9)
    throw invalid(`${path} must be a multiple of 0.1 from ${min.toFixed(1)} to 100.0.`);
  return Math.round(tenths) / 10;
}

/**
 * The settings after a CreateService or UpdateService. A request without deploymentConfiguration keeps
 * the current ones; a request with one gets exactly what it says, the documented defaults filling what
 * it leaves out (the deployer always renders the whole block). Every rule is checked on the result.
 */
export function readDeploymentSettings(input: JsonBody, current: DeploymentSettings): DeploymentSettings {
  const body = object(input.deploymentConfiguration, 'deploymentConfiguration');
  if (!body) return current;
  const strategy = body.strategy ?? 'ROLLING';
  if (!STRATEGIES.includes(strategy as Strategy))
    throw invalid(`deploymentConfiguration.strategy must be one of ${STRATEGIES.join(', ')}.`);
  const next: DeploymentSettings = { ...DEFAULT_DEPLOYMENT_SETTINGS, strategy: strategy as Strategy };
  const maximumPercent = number(body, 'maximumPercent', 'deploymentConfiguration');
  if (maximumPercent !== undefined) next.maximumPercent = maximumPercent;
  const minimumHealthyPercent = number(body, 'minimumHealthyPercent', 'deploymentConfiguration');
  if (minimumHealthyPercent !== undefined) next.minimumHealthyPercent = minimumHealthyPercent;
  const bake = number(body, 'bakeTimeInMinutes', 'deploymentConfiguration');
  if (bake !== undefined)
    next.bakeTimeInMinutes = minutes(bake, 'deploymentConfiguration.bakeTimeInMinutes', 0);

  // "canaryConfiguration: Only valid when the deployment strategy is CANARY"; canaryPercent "multiples
  // of 0.1 from 0.1 to 100.0. The default value is 5.0", canaryBakeTimeInMinutes "0 to 1440 [...] The
  // default value is 10" (API_DeploymentConfiguration.html, API_CanaryConfiguration.html).
  const canary = object(body.canaryConfiguration, 'deploymentConfiguration.canaryConfiguration');
  if (canary) {
    if (next.strategy !== 'CANARY')
      throw invalid('canaryConfiguration is only valid when the deployment strategy is CANARY.');
    const path = 'deploymentConfiguration.canaryConfiguration';
    next.canaryConfiguration = {
      canaryPercent: percent(number(canary, 'canaryPercent', path), `${path}.canaryPercent`, 0.1, 5),
      canaryBakeTimeInMinutes: minutes(
        number(canary, 'canaryBakeTimeInMinutes', path),
        `${path}.canaryBakeTimeInMinutes`,
        10,
      ),
    };
  }
  // "linearConfiguration: Only valid when the deployment strategy is LINEAR"; stepPercent "multiples of
  // 0.1 from 3.0 to 100.0. The default value is 10.0", stepBakeTimeInMinutes "0 to 1440 [...] The
  // default value is 6" (API_DeploymentConfiguration.html, API_LinearConfiguration.html).
  const linear = object(body.linearConfiguration, 'deploymentConfiguration.linearConfiguration');
  if (linear) {
    if (next.strategy !== 'LINEAR')
      throw invalid('linearConfiguration is only valid when the deployment strategy is LINEAR.');
    const path = 'deploymentConfiguration.linearConfiguration';
    next.linearConfiguration = {
      stepPercent: percent(number(linear, 'stepPercent', path), `${path}.stepPercent`, 3, 10),
      stepBakeTimeInMinutes: minutes(
        number(linear, 'stepBakeTimeInMinutes', path),
        `${path}.stepBakeTimeInMinutes`,
        6,
      ),
    };
  }
  if (next.strategy === 'CANARY')
    next.canaryConfiguration ??= { canaryPercent: 5, canaryBakeTimeInMinutes: 10 };
  if (next.strategy === 'LINEAR') next.linearConfiguration ??= { stepPercent: 10, stepBakeTimeInMinutes: 6 };

  // DeploymentAlarms: alarmNames, enable and rollback are all required (API_DeploymentAlarms.html).
  const alarms = object(body.alarms, 'deploymentConfiguration.alarms');
  if (alarms) {
    const names = alarms.alarmNames;
    if (!Array.isArray(names) || names.some((name) => typeof name !== 'string' || name === ''))
      throw invalid('deploymentConfiguration.alarms.alarmNames is required and must list alarm names');
    next.alarms = {
      alarmNames: names as string[],
      enable: boolean(alarms, 'enable', 'deploymentConfiguration.alarms'),
      rollback: boolean(alarms, 'rollback', 'deploymentConfiguration.alarms'),
    };
  }
  if (body.lifecycleHooks !== undefined) next.lifecycleHooks = readLifecycleHooks(body.lifecycleHooks);

  // "bakeTimeInMinutes [...] You must provide this parameter when you use the BLUE_GREEN deployment
  // strategy" (API_DeploymentConfiguration.html).
  if (next.strategy === 'BLUE_GREEN' && next.bakeTimeInMinutes === undefined)
    throw invalid('deploymentConfiguration.bakeTimeInMinutes is required with the BLUE_GREEN strategy.');
  const breaker = object(body.deploymentCircuitBreaker, 'deploymentConfiguration.deploymentCircuitBreaker');
  checkCircuitBreaker(next.strategy, breaker?.enable === true);
  return next;
}

/**
 * "The deployment circuit breaker can only be used for services using the rolling update (ECS)
 * deployment type" (API_DeploymentConfiguration.html, deploymentCircuitBreaker): a request that turns it
 * on with another strategy is refused; a breaker left on from before simply does not apply to it.
 */
function checkCircuitBreaker(strategy: Strategy, enabled: boolean): void {
  if (enabled && strategy !== 'ROLLING')
    throw invalid(
      `The deployment circuit breaker can only be used with the ROLLING deployment strategy, not ${strategy}. Use deploymentConfiguration.alarms to roll back a ${strategy} deployment.`,
    );
}

const PAUSE_FORBIDDEN_STAGES = ['TEST_TRAFFIC_SHIFT', 'PRODUCTION_TRAFFIC_SHIFT'];
const HOOK_STAGES = [
  'RECONCILE_SERVICE',
  'PRE_SCALE_UP',
  'POST_SCALE_UP',
  'TEST_TRAFFIC_SHIFT',
  'POST_TEST_TRAFFIC_SHIFT',
  'PRODUCTION_TRAFFIC_SHIFT',
  'POST_PRODUCTION_TRAFFIC_SHIFT',
];

/**
 * DeploymentLifecycleHook (API_DeploymentLifecycleHook.html): targetType AWS_LAMBDA (default) or PAUSE;
 * "PAUSE hooks cannot be configured at TEST_TRAFFIC_SHIFT or PRODUCTION_TRAFFIC_SHIFT stages";
 * timeoutConfiguration defaults to 1440 minutes and ROLLBACK. The stand-in invokes no Lambda functions,
 * so it runs PAUSE hooks only and says so.
 */
function readLifecycleHooks(value: unknown): PauseHookSetting[] {
  if (!Array.isArray(value)) throw invalid('deploymentConfiguration.lifecycleHooks must be a list');
  return value.map((entry, index) => {
    const path = `deploymentConfiguration.lifecycleHooks[${index}]`;
    const hook = object(entry, path) ?? {};
    const targetType = hook.targetType ?? 'AWS_LAMBDA';
    if (targetType !== 'PAUSE')
      throw new AwsError(
        'UnsupportedFeatureException',
        `${path}: the local ECS stand-in runs PAUSE lifecycle hooks only (it cannot invoke Lambda functions).`,
      );
    const stages = hook.lifecycleStages;
    if (!Array.isArray(stages) || stages.length === 0 || stages.some((s) => !HOOK_STAGES.includes(String(s))))
      throw invalid(`${path}.lifecycleStages must list stages from ${HOOK_STAGES.join(', ')}.`);
    const forbidden = stages.find((stage) => PAUSE_FORBIDDEN_STAGES.includes(String(stage)));
    if (forbidden)
      throw invalid(`PAUSE hooks cannot be configured at the ${String(forbidden)} stage (${path}).`);
    const timeout = object(hook.timeoutConfiguration, `${path}.timeoutConfiguration`) ?? {};
    const action = timeout.action ?? 'ROLLBACK';
    if (action !== 'CONTINUE' && action !== 'ROLLBACK')
      throw invalid(`${path}.timeoutConfiguration.action must be CONTINUE or ROLLBACK.`);
    return {
      lifecycleStages: stages.map(String),
      timeoutInMinutes: minutes(
        number(timeout, 'timeoutInMinutes', `${path}.timeoutConfiguration`),
        `${path}.timeoutConfiguration.timeoutInMinutes`,
        1440,
      ),
      timeoutAction: action,
    };
  });
}

/** The `loadBalancers` of a request (API_LoadBalancer.html), or undefined when the request has none. */
export function readLoadBalancers(input: JsonBody): ServiceLoadBalancer[] | undefined {
  const value = input.loadBalancers;
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw invalid('loadBalancers must be a list');
  return value.map((entry, index) => {
    const path = `loadBalancers[${index}]`;
    const body = object(entry, path) ?? {};
    if (typeof body.targetGroupArn !== 'string' || body.targetGroupArn === '')
      throw invalid(`${path}.targetGroupArn is required (the local stand-in models target groups only).`);
    const advanced = object(body.advancedConfiguration, `${path}.advancedConfiguration`);
    const text = (source: JsonBody, field: string) =>
      typeof source[field] === 'string' && source[field] !== '' ? (source[field] as string) : undefined;
    let advancedConfiguration: ServiceLoadBalancer['advancedConfiguration'];
    if (advanced) {
      const alternateTargetGroupArn = text(advanced, 'alternateTargetGroupArn');
      // AdvancedConfiguration's alternateTargetGroupArn is required (AWS::ECS::Service AdvancedConfiguration).
      if (!alternateTargetGroupArn)
        throw invalid(`${path}.advancedConfiguration.alternateTargetGroupArn is required.`);
      advancedConfiguration = {
        alternateTargetGroupArn,
        productionListenerRule: text(advanced, 'productionListenerRule'),
        testListenerRule: text(advanced, 'testListenerRule'),
        roleArn: text(advanced, 'roleArn'),
      };
    }
    return {
      targetGroupArn: body.targetGroupArn,
      ...(typeof body.containerName === 'string' ? { containerName: body.containerName } : {}),
      ...(typeof body.containerPort === 'number' ? { containerPort: body.containerPort } : {}),
      ...(advancedConfiguration ? { advancedConfiguration } : {}),
    };
  });
}

/**
 * BLUE_GREEN, LINEAR and CANARY shift traffic between two target groups: with an Application Load
 * Balancer the service needs a load balancer whose advancedConfiguration names the alternate target
 * group, the production listener rule and the role ECS uses to change it ("Application Load Balancer
 * resources for blue/green, linear, and canary deployments",
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/alb-resources-for-blue-green.html).
 */
export function checkTrafficShiftResources(
  settings: DeploymentSettings,
  loadBalancers: ServiceLoadBalancer[],
): void {
  if (!isTrafficShift(settings.strategy)) return;
  const advanced = loadBalancers.find((lb) => lb.advancedConfiguration)?.advancedConfiguration;
  if (!advanced)
    throw invalid(
      `The ${settings.strategy} deployment strategy needs a load balancer with advancedConfiguration (alternateTargetGroupArn, productionListenerRule, roleArn) on the service.`,
    );
  const missing = (['productionListenerRule', 'roleArn'] as const).filter((field) => !advanced[field]);
  if (missing.length > 0)
    throw invalid(
      `The ${settings.strategy} deployment strategy needs loadBalancers[].advancedConfiguration.${missing.join(' and ')}.`,
    );
}

/** Only the ECS deployment controller runs BLUE_GREEN, LINEAR and CANARY (API_CanaryConfiguration.html: "only valid when you run CreateService or UpdateService with deploymentController set to ECS"). */
export function checkDeploymentController(input: JsonBody, settings: DeploymentSettings): void {
  const controller = object(input.deploymentController, 'deploymentController');
  const type = controller?.type ?? 'ECS';
  if (type === 'ECS') return;
  if (isTrafficShift(settings.strategy))
    throw invalid(
      `The ${settings.strategy} deployment strategy is only valid with the ECS deployment controller, not ${String(type)}.`,
    );
  throw new AwsError(
    'UnsupportedFeatureException',
    `The local ECS stand-in runs the ECS deployment controller only (deploymentController.type ${String(type)}).`,
  );
}

/** deploymentConfiguration as DescribeServices answers it. */
export function describeDeploymentSettings(
  settings: DeploymentSettings,
  circuitBreaker: { enable: boolean; rollback: boolean },
): JsonBody {
  return {
    deploymentCircuitBreaker: { ...circuitBreaker },
    maximumPercent: settings.maximumPercent,
    minimumHealthyPercent: settings.minimumHealthyPercent,
    strategy: settings.strategy,
    ...(settings.bakeTimeInMinutes !== undefined ? { bakeTimeInMinutes: settings.bakeTimeInMinutes } : {}),
    ...(settings.canaryConfiguration ? { canaryConfiguration: { ...settings.canaryConfiguration } } : {}),
    ...(settings.linearConfiguration ? { linearConfiguration: { ...settings.linearConfiguration } } : {}),
    ...(settings.alarms
      ? { alarms: { ...settings.alarms, alarmNames: [...settings.alarms.alarmNames] } }
      : {}),
    ...(settings.lifecycleHooks.length > 0
      ? {
          lifecycleHooks: settings.lifecycleHooks.map((hook) => ({
            targetType: 'PAUSE',
            lifecycleStages: [...hook.lifecycleStages],
            timeoutConfiguration: { timeoutInMinutes: hook.timeoutInMinutes, action: hook.timeoutAction },
          })),
        }
      : {}),
  };
}
