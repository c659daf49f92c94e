// JSON Schema (draft-07) of one `config/services/<name>.yaml` file. The loader validates with it and
// `npm run schema` writes it to config/service.schema.json so editors validate and complete too.
// Rules a schema cannot say well (digests, semver ranges, regexes, cross-file) live in semantic-checks.ts.
import { ANALYSIS_PATTERN_HINTS, analysisSchema } from './analysis-schema.ts';
import { CONFIG_DEFAULTS } from './defaults.ts';
import { ENVIRONMENT_PATTERN_HINTS, environmentsSchema } from './environments-schema.ts';
import { rolloutStrategyProperties, STRATEGY_PATTERN_HINTS } from './rollout-strategy-schema.ts';
import { STACK_PLACEHOLDER_PATTERN } from './stack-values.ts';

export const NAME_PATTERN = '^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$';
const ECS_NAME = '[A-Za-z0-9_-]{1,255}';
const ECS_ARN_PREFIX = 'arn:aws[a-z-]*:ecs:[a-z0-9-]+:[0-9]{12}:';
export const CLUSTER_PATTERN = `^(?:${ECS_ARN_PREFIX}cluster/)?${ECS_NAME}$`;
export const SERVICE_PATTERN = `^(?:${ECS_ARN_PREFIX}service/(?:${ECS_NAME}/)?)?${ECS_NAME}$`;
const CONTAINER_PATTERN = `^${ECS_NAME}$`;
const STACK_PLACEHOLDER = STACK_PLACEHOLDER_PATTERN;
const DISTRIBUTION_PATTERN = `^(?:[A-Z0-9]{1,128}|${STACK_PLACEHOLDER})$`;
const CDN_PATH_PATTERN = '^/\\S*$';
/** Argo CD sync window durations, plus days: `1h`, `30m`, `1h30m`, `2d`. */
const DURATION_PATTERN = '^(?:[0-9]+d)?(?:[0-9]+h)?(?:[0-9]+m)?$';
const URL_PATTERN = `^(?:https?://\\S+|${STACK_PLACEHOLDER}\\S*)$`;

/** What a pattern means, in words, for error messages (keyed by dotted field; `*` is any list index). */
export const PATTERN_HINTS: Record<string, string> = {
  name: 'must be a DNS label: 1-63 lowercase letters, digits or "-", starting and ending with a letter or digit (e.g. `actors`)',
  cluster: 'must be an ECS cluster name (letters, digits, "-", "_") or a cluster ARN',
  service: 'must be an ECS service name (letters, digits, "-", "_") or a service ARN',
  container: 'must be a container name from the task definition (letters, digits, "-", "_")',
  'cdn.distributionId': `must be a CloudFront distribution id: uppercase letters and digits (e.g. \`E2EXAMPLE\`), or \`\${stack:DistributionId}\``,
  'cdn.paths.*': 'must be an invalidation path starting with "/" and without spaces (e.g. `/*`)',
  'windows.*.duration':
    'must be a duration in days, hours and minutes, as Argo CD sync windows write it (e.g. `1h`, `90m`, `1h30m`, `2d`)',
  ...STRATEGY_PATTERN_HINTS,
  ...ENVIRONMENT_PATTERN_HINTS,
  ...ANALYSIS_PATTERN_HINTS,
  'verify.url': `must be an absolute http:// or https:// URL without spaces, or start with a placeholder such as \`\${stack:CloudFrontUrl}\``,
};

const positiveInteger = (description: string, maximum: number, fallback: number) => ({
  type: 'integer',
  minimum: 1,
  maximum,
  default: fallback,
  description,
});

const singleEnvironmentSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'ecs-gitops service',
  description:
    'Desired state of one ECS service managed by ecs-gitops. One file per service: config/services/<name>.yaml.',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'cluster', 'service', 'container', 'image'],
  properties: {
    $schema: {
      type: 'string',
      description: 'Path or URL of this JSON Schema, for editors. Ignored by the deployer.',
    },
    name: {
      type: 'string',
      pattern: NAME_PATTERN,
      description:
        'Unique name of the managed service; must equal the file name without .yaml. Used in status, metrics and the queue group `service:<name>`.',
    },
    cluster: {
      type: 'string',
      pattern: CLUSTER_PATTERN,
      description: 'ECS cluster name or ARN that runs the service.',
    },
    service: {
      type: 'string',
      pattern: SERVICE_PATTERN,
      description: 'ECS service name or ARN.',
    },
    container: {
      type: 'string',
      pattern: CONTAINER_PATTERN,
      description: 'Name of the container in the task definition whose image the deployer sets.',
    },
    image: {
      type: 'object',
      additionalProperties: false,
      required: ['repository'],
      description:
        'Where the image comes from and which one to run: `pin`, or `track` (default: latest push). With both, the pin wins and holds the policy back until it is removed.',
      properties: {
        repository: {
          type: 'string',
          minLength: 1,
          description:
            'ECR repository name (`actors`) or full URI (`123456789012.dkr.ecr.eu-west-1.amazonaws.com/actors`). Images outside it are refused.',
        },
        pin: {
          type: 'string',
          minLength: 1,
          description:
            'A fixed tag (`1.4.2`), digest (`sha256:` + 64 hex) or reference (`actors:1.4.2@sha256:…`). Quote version-like tags. Wins over `track`: the status then says what `track` would choose; remove the pin to resume tracking.',
        },
        track: {
          type: 'object',
          additionalProperties: false,
          description:
            'Policy that picks the newest matching image: exactly one of `semver`, `glob`, `regex`, `latest`.',
          default: CONFIG_DEFAULTS.track,
          properties: {
            semver: {
              type: 'string',
              minLength: 1,
              description:
                'Semver range over the tags (`^1.4.0`, `~2.1`, `>=1 <3`); highest version wins. Tags may start with `v`.',
            },
            prerelease: {
              type: 'boolean',
              default: false,
              description: 'With `semver`: also consider pre-release tags such as `1.5.0-rc.1`.',
            },
            glob: {
              type: 'string',
              minLength: 1,
              description: 'Tag glob (`release-*`); the most recently pushed match wins.',
            },
            regex: {
              type: 'string',
              minLength: 1,
              description:
                'JavaScript regular expression over tags (`^main-[0-9a-f]{7}$`); the most recently pushed match wins.',
            },
            latest: {
              const: true,
              description: 'Run the most recently pushed image, whatever its tag.',
            },
          },
          oneOf: [
            { required: ['semver'] },
            { required: ['glob'] },
            { required: ['regex'] },
            { required: ['latest'] },
          ],
          dependencies: { prerelease: ['semver'] },
        },
      },
    },
    verify: {
      type: 'object',
      additionalProperties: false,
      required: ['url'],
      description: 'HTTP check after ECS reports the rollout complete. Omit to skip verification.',
      properties: {
        url: {
          type: 'string',
          pattern: URL_PATTERN,
          description: `URL that answers with the version report (\`/version\`), usually through the CDN; may start with \`\${stack:CloudFrontUrl}\`.`,
        },
        expectVersion: {
          type: 'boolean',
          default: CONFIG_DEFAULTS.verify.expectVersion,
          description: 'Require the response to report the digest being rolled out (not just HTTP 200).',
        },
        successes: positiveInteger(
          'Consecutive successful probes required.',
          100,
          CONFIG_DEFAULTS.verify.successes,
        ),
        intervalSeconds: {
          type: 'number',
          exclusiveMinimum: 0,
          maximum: 300,
          default: CONFIG_DEFAULTS.verify.intervalSeconds,
          description: 'Seconds between probes.',
        },
        timeoutSeconds: positiveInteger(
          'Give up (and roll back) when verification has not succeeded within this many seconds.',
          3600,
          CONFIG_DEFAULTS.verify.timeoutSeconds,
        ),
      },
    },
    cdn: {
      type: 'object',
      additionalProperties: false,
      required: ['distributionId'],
      description: 'CloudFront distribution to invalidate after a verified rollout. Omit for none.',
      properties: {
        distributionId: {
          type: 'string',
          pattern: DISTRIBUTION_PATTERN,
          description: `CloudFront distribution id, e.g. \`E2EXAMPLE\`, or \`\${stack:DistributionId}\`.`,
        },
        paths: {
          type: 'array',
          minItems: 1,
          maxItems: 100,
          uniqueItems: true,
          items: { type: 'string', pattern: CDN_PATH_PATTERN },
          default: CONFIG_DEFAULTS.cdn.paths,
          description: 'Paths to invalidate.',
        },
      },
    },
    rollout: {
      type: 'object',
      additionalProperties: false,
      description:
        'How ECS rolls the service out (`strategy`), how long a rollout may take and what happens when it fails.',
      properties: {
        timeoutSeconds: positiveInteger(
          'Fail the rollout when ECS has not completed the deployment within this many seconds (verification has its own verify.timeoutSeconds). Also bounds the wait for a rollback.',
          86_400,
          CONFIG_DEFAULTS.rollout.timeoutSeconds,
        ),
        rollback: {
          type: 'boolean',
          default: CONFIG_DEFAULTS.rollout.rollback,
          description: 'On failure, return the service to the task definition it ran before.',
        },
        ...rolloutStrategyProperties,
        analysis: analysisSchema,
      },
    },
    approval: {
      enum: ['manual', 'none'],
      default: CONFIG_DEFAULTS.approval,
      description:
        '`manual` holds every rollout at PendingApproval until `npx ecs-gitops approve <service>` (for that digest; a newer digest needs a new approval). `none` starts rollouts at once.',
    },
    windows: {
      type: 'array',
      maxItems: 50,
      default: [],
      description:
        'Sync windows (as Argo CD has them): with allow windows a rollout starts only inside one; inside a deny window never (deny wins). `sync --override-window` starts one anyway. Rollouts already running are not stopped.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['kind', 'schedule', 'duration'],
        properties: {
          kind: {
            enum: ['allow', 'deny'],
            description: 'Whether rollouts may start (allow) or not (deny) while the window is open.',
          },
          schedule: {
            type: 'string',
            minLength: 1,
            description:
              'Five-field cron (minute hour day-of-month month day-of-week) in `timeZone`: when the window opens, e.g. `0 18 * * FRI`.',
          },
          duration: {
            type: 'string',
            pattern: DURATION_PATTERN,
            description: 'How long the window stays open from each start: `1h`, `30m`, `1h30m`, `2d`.',
          },
          timeZone: {
            type: 'string',
            minLength: 1,
            default: CONFIG_DEFAULTS.windowTimeZone,
            description: 'IANA time zone the schedule is read in, e.g. `Europe/Berlin` (DST is followed).',
          },
          description: {
            type: 'string',
            description: 'Why the window exists (shown nowhere else; for readers).',
          },
        },
      },
    },
    suspended: {
      type: 'boolean',
      default: CONFIG_DEFAULTS.suspended,
      description: 'Stop deploying this service (the live state is left as it is).',
    },
  },
} as const;

export const serviceSchema = {
  ...singleEnvironmentSchema,
  properties: {
    ...singleEnvironmentSchema.properties,
    environments: environmentsSchema(singleEnvironmentSchema.properties),
  },
} as const;
