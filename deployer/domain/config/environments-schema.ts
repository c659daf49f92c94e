// The JSON Schema of `environments` (part of service-schema.ts): the same service in several
// environments, each overriding where it runs (cluster, service, region, account role) and how it is
// checked and gated, and naming the environment it is promoted from. Environment names and the
// promotion graph are checked in environment-checks.ts (a schema cannot say "names another key").

/** An environment name: a lowercase word that starts with a letter (`staging`, `prod-eu`). */
export const ENVIRONMENT_NAME_PATTERN = '^[a-z](?:[a-z0-9-]{0,30}[a-z0-9])?$';
/**
 * An IAM role ARN, `arn:<partition>:iam::<account>:role/<path/>name`: role names and paths use letters,
 * digits and `+=,.@_-` (IAM identifiers, https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html);
 * a role name has at most 64 characters (IAM quotas).
 */
export const ROLE_ARN_PATTERN =
  '^arn:aws[a-z-]*:iam::[0-9]{12}:role/(?:[A-Za-z0-9+=,.@_-]+/)*[A-Za-z0-9+=,.@_-]{1,64}$';
/** A Region code such as `eu-west-1` or `us-gov-west-1`. */
export const REGION_PATTERN = '^[a-z]{2}(?:-[a-z]+)+-[0-9]{1,2}$';

export const ENVIRONMENT_PATTERN_HINTS: Record<string, string> = {
  'environments.*.roleArn':
    'must be an IAM role ARN, `arn:aws:iam::<12-digit account>:role/<name>` (e.g. `arn:aws:iam::123456789012:role/ecs-gitops-deploy`)',
  'environments.*.region': 'must be an AWS Region code such as `eu-west-1`',
};

/** Drops `required` from an object schema: an override may set any part of the block it overrides. */
function optionalFields<T extends { required?: readonly string[] }>(schema: T): Omit<T, 'required'> {
  const { required: _, ...rest } = schema;
  return rest;
}

interface BaseProperties {
  cluster: object;
  service: object;
  verify: { required?: readonly string[] };
  cdn: { required?: readonly string[] };
  rollout: object;
  approval: object;
  windows: object;
  suspended: object;
}

/** `environments` built from the top-level field schemas, so an override is checked like the field. */
export function environmentsSchema<P extends BaseProperties>(base: P) {
  return {
    type: 'object',
    minProperties: 1,
    maxProperties: 10,
    description:
      'The same service in several environments, each its own ECS target named `<name>@<environment>`. Each entry overrides top-level fields (blocks merge one level deep). The first environment follows `image.track`; every other one is promoted from another (`promote`) or pins an image.',
    additionalProperties: {
      type: 'object',
      additionalProperties: false,
      description: 'One environment: overrides of the top-level fields, and where its image comes from.',
      properties: {
        cluster: base.cluster,
        service: base.service,
        region: {
          type: 'string',
          pattern: REGION_PATTERN,
          description:
            "AWS Region of this environment's cluster (e.g. `eu-west-1`); default: the deployer's.",
        },
        roleArn: {
          type: 'string',
          pattern: ROLE_ARN_PATTERN,
          description:
            "IAM role the deployer assumes (STS AssumeRole) for this environment's ECS and CloudFront calls, e.g. in another account (images still come from `image.repository`); default: its own role.",
        },
        image: {
          type: 'object',
          additionalProperties: false,
          required: ['pin'],
          description:
            'Pin this environment to an image (wins over promotion); the repository stays the same.',
          properties: {
            pin: {
              type: 'string',
              minLength: 1,
              description: 'A tag, `sha256:` digest or reference in the configured repository.',
            },
          },
        },
        verify: optionalFields(base.verify),
        cdn: optionalFields(base.cdn),
        rollout: base.rollout,
        approval: base.approval,
        windows: base.windows,
        suspended: base.suspended,
        promote: {
          type: 'object',
          additionalProperties: false,
          required: ['from'],
          description:
            'Run the newest digest that succeeded in environment `from` (and soaked there), never one that failed in any environment.',
          properties: {
            from: {
              type: 'string',
              minLength: 1,
              description: 'The environment promoted from, e.g. `staging`.',
            },
            after: {
              enum: ['verified'],
              default: 'verified',
              description:
                '`verified`: the digest rolled out there and passed verification (the rollout succeeded).',
            },
            soakMinutes: {
              type: 'integer',
              minimum: 0,
              maximum: 10_080,
              default: 0,
              description: 'Minutes the digest must have run verified upstream before it moves here.',
            },
          },
        },
      },
    },
  } as const;
}
