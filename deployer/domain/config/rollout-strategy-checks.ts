// Rules of `rollout.strategy` a schema cannot state: percentages in steps of 0.1, settings that belong to
// another strategy, the bake time ECS requires for blue/green, one way of test traffic, alarm names ECS
// would split, and a rollout timeout shorter than the bakes the strategy itself waits.
import {
  ECS_STRATEGY_LIMITS,
  isTenth,
  minimumBakeMinutes,
  ROLLOUT_STRATEGIES,
  type RolloutStrategy,
} from '../rollout-strategy.ts';
import { CONFIG_DEFAULTS } from './defaults.ts';
import type { Issue } from './schema-errors.ts';

type Data = Record<string, unknown>;
const record = (value: unknown): Data | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Data) : undefined;
const num = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;

function tenthIssue(
  value: unknown,
  path: Issue['path'],
  what: string,
  range: { min: number; max: number },
): Issue[] {
  const n = num(value);
  // Out of range is the schema's error already: one mistake, one line.
  if (n === undefined || n < range.min || n > range.max || isTenth(n)) return [];
  return [
    {
      path,
      anchor: 'value',
      message: `${what} must be a multiple of 0.1 (ECS takes one decimal), got ${n}; write e.g. ${Math.round(n * 10) / 10}`,
    },
  ];
}

/** Issues of the `rollout` mapping's strategy fields; `rollout` is the raw data (schema errors aside). */
export function rolloutStrategyIssues(rollout: Data): Issue[] {
  const issues: Issue[] = [];
  const at = (...path: (string | number)[]): Issue['path'] => ['rollout', ...path];
  const strategy = ROLLOUT_STRATEGIES.find((s) => s === rollout.strategy) as RolloutStrategy | undefined;
  const canary = record(rollout.canary);
  const linear = record(rollout.linear);
  const testTraffic = record(rollout.testTraffic);
  const L = ECS_STRATEGY_LIMITS;
  if (canary)
    issues.push(...tenthIssue(canary.percent, at('canary', 'percent'), 'canary.percent', L.canary.percent));
  if (linear)
    issues.push(
      ...tenthIssue(
        linear.stepPercent,
        at('linear', 'stepPercent'),
        'linear.stepPercent',
        L.linear.stepPercent,
      ),
    );
  const strategyFields = ['bakeMinutes', 'canary', 'linear', 'alarms', 'testTraffic'].filter(
    (f) => f in rollout,
  );
  if (strategy === undefined) {
    // Without a strategy the deployer leaves the service's deployment settings alone: settings would be ignored.
    if (rollout.strategy === undefined)
      for (const field of strategyFields)
        issues.push({
          path: at(field),
          anchor: 'key',
          message: `\`${field}\` needs \`rollout.strategy\` (rolling, blue-green, linear or canary); without one the deployer leaves the service's deployment settings as they are`,
        });
    return issues;
  }
  const belongs: [string, RolloutStrategy][] = [
    ['canary', 'canary'],
    ['linear', 'linear'],
  ];
  for (const [field, owner] of belongs)
    if (field in rollout && strategy !== owner)
      issues.push({
        path: at(field),
        anchor: 'key',
        message: `\`${field}\` settings apply to strategy ${owner} only, but strategy is ${strategy}; remove them or set strategy: ${owner}`,
      });
  if (strategy === 'rolling')
    for (const field of ['bakeMinutes', 'testTraffic'] as const)
      if (field in rollout)
        issues.push({
          path: at(field),
          anchor: 'key',
          message:
            field === 'bakeMinutes'
              ? '`bakeMinutes` applies to blue-green, linear and canary (the time both revisions run after traffic moved); a rolling update has no second revision to bake'
              : '`testTraffic` needs a test listener, which only blue-green, linear and canary use; remove it or pick one of those strategies',
        });
  // "You must provide this parameter when you use the BLUE_GREEN deployment strategy"
  // (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentConfiguration.html).
  if (strategy === 'blue-green' && rollout.bakeMinutes === undefined)
    issues.push({
      path: at('strategy'),
      anchor: 'value',
      message:
        'blue-green needs `bakeMinutes` (ECS requires a bake time for BLUE_GREEN: how long the old revision stays up after production traffic moved, 0-1440); e.g. add `bakeMinutes: 5`',
    });
  if (testTraffic && 'header' in testTraffic === 'listenerRule' in testTraffic)
    issues.push({
      path: at('testTraffic'),
      anchor: 'key',
      message: '`testTraffic` takes exactly one of `header: { name, value }` or `listenerRule: <arn>`',
    });
  const header = record(testTraffic?.header);
  // "You can't use an HTTP header condition to specify the host header" (API_HttpHeaderConditionConfig.html).
  if (typeof header?.name === 'string' && header.name.toLowerCase() === 'host')
    issues.push({
      path: at('testTraffic', 'header', 'name'),
      anchor: 'value',
      message: 'an ALB header condition cannot match `host`; use a custom header such as `x-test-traffic`',
    });
  // DeploymentAlarms.alarmNames: "Use a "," to separate the alarms" (API_DeploymentAlarms.html): a comma
  // inside one name would read as two alarms.
  if (Array.isArray(rollout.alarms))
    for (const [index, name] of rollout.alarms.entries())
      if (typeof name === 'string' && name.includes(','))
        issues.push({
          path: at('alarms', index),
          anchor: 'value',
          message: `alarm name \`${name}\` contains ",", which ECS reads as a separator between alarm names; list each alarm as its own entry`,
        });
  issues.push(...timeoutIssues(rollout, strategy, canary, linear));
  return issues;
}

/** A rollout timeout shorter than the strategy's own bake times fails every rollout before ECS can finish. */
function timeoutIssues(rollout: Data, strategy: RolloutStrategy, canary?: Data, linear?: Data): Issue[] {
  const L = ECS_STRATEGY_LIMITS;
  const stepPercent = num(linear?.stepPercent) ?? L.linear.stepPercent.default;
  const bake = num(rollout.bakeMinutes);
  const inRange = (value: number | undefined, range: { min: number; max: number }) =>
    value === undefined || (value >= range.min && value <= range.max);
  // Values the schema or the 0.1 rule refused already would only make this message wrong.
  const valid =
    inRange(stepPercent, L.linear.stepPercent) &&
    isTenth(stepPercent) &&
    inRange(bake, L.bakeMinutes) &&
    inRange(num(canary?.bakeMinutes), L.canary.bakeMinutes) &&
    inRange(num(linear?.stepBakeMinutes), L.linear.stepBakeMinutes);
  if (!valid) return [];
  const minutes = minimumBakeMinutes({
    strategy,
    ...(bake === undefined ? {} : { bakeMinutes: bake }),
    canary: {
      percent: num(canary?.percent) ?? L.canary.percent.default,
      bakeMinutes: num(canary?.bakeMinutes) ?? L.canary.bakeMinutes.default,
    },
    linear: {
      stepPercent,
      stepBakeMinutes: num(linear?.stepBakeMinutes) ?? L.linear.stepBakeMinutes.default,
    },
  });
  const timeout = num(rollout.timeoutSeconds) ?? CONFIG_DEFAULTS.rollout.timeoutSeconds;
  if (minutes * 60 < timeout) return [];
  const written = rollout.timeoutSeconds !== undefined;
  return [
    {
      // Without a written timeout the default applies: point at `rollout` itself.
      path: written ? ['rollout', 'timeoutSeconds'] : ['rollout'],
      anchor: written ? 'value' : 'key',
      field: 'rollout.timeoutSeconds',
      message: `the ${strategy} strategy alone waits ${minutes} minutes (its bake times), but rollout.timeoutSeconds is ${timeout}s${written ? '' : ' (the default)'}, so every rollout would time out before ECS finishes; set timeoutSeconds above ${minutes * 60} plus the time tasks take to start`,
    },
  ];
}
