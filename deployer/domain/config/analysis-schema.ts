// The JSON Schema of `rollout.analysis` (part of service-schema.ts's `rollout`): what the deployer reads
// besides its own probes while ECS shifts traffic, and when a reading stops the deployment with rollback.
// Cross-field rules (analysis needs a strategy and verify, at least one source) are in analysis-checks.ts.
import { ANALYSIS_DEFAULTS } from '../analysis.ts';
import { ECS_STRATEGY_LIMITS } from '../rollout-strategy.ts';
import { STACK_PLACEHOLDER_PATTERN as STACK_PLACEHOLDER } from './stack-values.ts';

const LOAD_BALANCER_PATTERN = `^(?:app/[^/\\s]+/[^/\\s]+|arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:[0-9]{12}:loadbalancer/app/[^/\\s]+/[^/\\s]+|${STACK_PLACEHOLDER})$`;
const URL_PATTERN = `^(?:https?://\\S+|${STACK_PLACEHOLDER}\\S*)$`;

export const ANALYSIS_PATTERN_HINTS: Record<string, string> = {
  'rollout.analysis.errorRate.loadBalancer': `must name an Application Load Balancer: its ARN, its \`app/<name>/<id>\` (the LoadBalancer metric dimension), or \`\${stack:LoadBalancerFullName}\``,
  'rollout.analysis.http.url': `must be an absolute http:// or https:// URL without spaces, or start with a \`\${stack:...}\` placeholder`,
};

export const analysisSchema = {
  type: 'object',
  additionalProperties: false,
  description:
    "Analysis while ECS shifts traffic (blue-green, canary, linear): besides its own probes the deployer reads these sources every `intervalSeconds`; one failing stops the ECS deployment with rollback and names the source in the status. Unlike `rollout.alarms` (ECS's own alarm rollback), the deployer reads these, so the failure says which alarm or rate, and missing alarms fail instead of passing.",
  properties: {
    intervalSeconds: {
      type: 'number',
      exclusiveMinimum: 0,
      maximum: 300,
      default: ANALYSIS_DEFAULTS.intervalSeconds,
      description:
        'Seconds between two reads of the sources (at most once per verify probe interval). CloudWatch charges GetMetricData per metric read.',
    },
    alarms: {
      type: 'array',
      minItems: 1,
      maxItems: 100,
      uniqueItems: true,
      items: { type: 'string', minLength: 1, maxLength: ECS_STRATEGY_LIMITS.alarmName.maxLength },
      description:
        'CloudWatch alarm names (DescribeAlarms): one in ALARM fails the analysis, and so does one that does not exist; OK and INSUFFICIENT_DATA pass.',
    },
    errorRate: {
      type: 'object',
      additionalProperties: false,
      required: ['loadBalancer', 'maxPercent'],
      description:
        "The new revision's error rate at the load balancer: HTTPCode_Target_5XX_Count over RequestCount of its target group (CloudWatch AWS/ApplicationELB) since the traffic shift began.",
      properties: {
        loadBalancer: {
          type: 'string',
          pattern: LOAD_BALANCER_PATTERN,
          description: `The Application Load Balancer in front of the service: ARN, \`app/<name>/<id>\`, or \`\${stack:LoadBalancerFullName}\`.`,
        },
        maxPercent: {
          type: 'number',
          minimum: 0,
          maximum: 100,
          description:
            'Fail when more than this percentage of the requests got a 5XX answer from the new revision.',
        },
        minRequests: {
          type: 'integer',
          minimum: 1,
          maximum: 1_000_000,
          default: ANALYSIS_DEFAULTS.minRequests,
          description: 'Judge the rate only once the new revision received this many requests.',
        },
      },
    },
    http: {
      type: 'object',
      additionalProperties: false,
      required: ['url'],
      description:
        "An HTTP analysis URL (your own check: a synthetic test, a metrics query): GET without redirects; 2xx passes, anything else fails and the status quotes the body's first line.",
      properties: {
        url: { type: 'string', pattern: URL_PATTERN, description: 'The analysis URL.' },
        timeoutSeconds: {
          type: 'number',
          exclusiveMinimum: 0,
          maximum: 60,
          default: ANALYSIS_DEFAULTS.httpTimeoutSeconds,
          description: 'Seconds to wait for the answer; no answer in time fails the analysis.',
        },
      },
    },
  },
} as const;
