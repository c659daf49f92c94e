// The JSON Schema of `rollout.strategy` and its settings (part of service-schema.ts). Ranges are ECS's
// (ECS_STRATEGY_LIMITS cites them); multiples of 0.1 and cross-field rules are in rollout-strategy-checks.ts,
// because a schema's `multipleOf: 0.1` refuses 0.3 in floating point.
import { ECS_STRATEGY_LIMITS, ROLLOUT_STRATEGIES } from '../rollout-strategy.ts';

const L = ECS_STRATEGY_LIMITS;
const minutes = (description: string, fallback?: number) => ({
  type: 'integer',
  minimum: 0,
  maximum: 1440,
  ...(fallback === undefined ? {} : { default: fallback }),
  description,
});
// ALB http-header conditions: a name of at most 40 characters (RFC 7230 token characters), values of at
// most 128 (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_HttpHeaderConditionConfig.html).
const HEADER_NAME = "^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,40}$";
const ELB_RULE_ARN = '^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:[0-9]{12}:listener-rule/\\S+$';

export const STRATEGY_PATTERN_HINTS: Record<string, string> = {
  'rollout.testTraffic.header.name':
    'must be an HTTP header name of up to 40 characters (ALB http-header conditions allow 40), e.g. `x-test-traffic`',
  'rollout.testTraffic.listenerRule':
    'must be an ELB listener rule ARN (`arn:aws:elasticloadbalancing:...:listener-rule/...`)',
};

export const rolloutStrategyProperties = {
  strategy: {
    enum: [...ROLLOUT_STRATEGIES],
    description:
      'How ECS moves traffic to the new revision: `rolling` (replace tasks), `blue-green` (test traffic first, then all at once), `canary` (a share first, the rest after a bake), `linear` (equal steps). Omit to leave the service as it is; all but `rolling` need a load balancer with an alternate target group (the CDK stack creates it for services that ask).',
  },
  bakeMinutes: minutes(
    'Minutes the old and the new revision both run after production traffic moved, before ECS stops the old one (blue-green, canary, linear). Required for blue-green (ECS has no default there).',
  ),
  canary: {
    type: 'object',
    additionalProperties: false,
    description:
      'With strategy canary: the share of production traffic the new revision gets first, and for how long.',
    properties: {
      percent: {
        type: 'number',
        minimum: L.canary.percent.min,
        maximum: L.canary.percent.max,
        default: L.canary.percent.default,
        description:
          'Percent of production traffic during the canary phase: 0.1-100 in steps of 0.1 (ECS default 5).',
      },
      bakeMinutes: minutes(
        'Minutes of the canary phase before the rest of the traffic moves (ECS default 10).',
        L.canary.bakeMinutes.default,
      ),
    },
  },
  linear: {
    type: 'object',
    additionalProperties: false,
    description: 'With strategy linear: the size of each traffic step and the wait between steps.',
    properties: {
      stepPercent: {
        type: 'number',
        minimum: L.linear.stepPercent.min,
        maximum: L.linear.stepPercent.max,
        default: L.linear.stepPercent.default,
        description: 'Percent of production traffic each step moves: 3-100 in steps of 0.1 (ECS default 10).',
      },
      stepBakeMinutes: minutes(
        'Minutes between steps; not after the step that reaches 100 % (ECS default 6).',
        L.linear.stepBakeMinutes.default,
      ),
    },
  },
  alarms: {
    type: 'array',
    minItems: 1,
    uniqueItems: true,
    items: { type: 'string', minLength: 1, maxLength: L.alarmName.maxLength },
    description:
      "CloudWatch alarm names ECS watches during the deployment: one in ALARM fails it (and rolls back with `rollback: true`). Omit to keep the alarms the service has (e.g. the CDK stack's).",
  },
  testTraffic: {
    type: 'object',
    additionalProperties: false,
    description:
      "How test requests reach the new revision before production traffic does (blue-green, canary, linear): a `header` the test listener rule matches, or that rule's ARN. The deployer probes through it.",
    properties: {
      header: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'value'],
        description: 'The header of the test listener rule: requests with it reach the new revision.',
        properties: {
          name: { type: 'string', pattern: HEADER_NAME, description: 'Header name, e.g. `x-test-traffic`.' },
          value: {
            type: 'string',
            minLength: 1,
            maxLength: 128,
            description: 'Header value, e.g. `"1"` (quote it).',
          },
        },
      },
      listenerRule: { type: 'string', pattern: ELB_RULE_ARN, description: 'ARN of the test listener rule.' },
    },
  },
} as const;
