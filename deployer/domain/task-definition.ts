// Renders the next task definition revision from the described one: everything the operator set stays
// as it is, only the configured container's image (and the env values saying what it runs) change.
import { DEPLOY_ENV } from '../../common/contract.ts';
import { DeployerError, err, ok, type Result } from './errors.ts';
import { isDigest, parseImageRef } from './image-ref.ts';
import type { ContainerDefinition, LiveImage, TaskDefinition } from './types.ts';

export interface RenderInput {
  /** Name of the container that gets the image. */
  container: string;
  /** `repositoryUri@sha256:...`: deploy digests, never tags. */
  image: string;
  digest: string;
  /** Config revision (git commit) the rollout comes from; becomes DEPLOY_REVISION. */
  configRevision: string;
}

/**
 * Fields DescribeTaskDefinition returns that RegisterTaskDefinition does not accept. Everything else
 * is copied, so input fields ECS adds later survive a rollout without a code change here.
 */
export const READ_ONLY_FIELDS = [
  'taskDefinitionArn',
  'revision',
  'status',
  'requiresAttributes',
  'compatibilities',
  'registeredAt',
  'registeredBy',
  'deregisteredAt',
] as const;

const READ_ONLY = new Set<string>(READ_ONLY_FIELDS);
const DEPLOY_ENV_NAMES = new Set<string>(Object.values(DEPLOY_ENV));

const invalid = (code: 'TASK_DEFINITION_INVALID' | 'IMAGE_REF_INVALID', message: string) =>
  err(new DeployerError(code, message));

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

type EnvEntry = NonNullable<ContainerDefinition['environment']>[number];

export function renderTaskDefinition(described: TaskDefinition, input: RenderInput): Result<TaskDefinition> {
  if (!isObject(described) || !Array.isArray(described.containerDefinitions))
    return invalid('TASK_DEFINITION_INVALID', 'task definition has no containerDefinitions');
  const family = typeof described.family === 'string' ? described.family : '(no family)';
  if (!isDigest(input.digest))
    return invalid(
      'IMAGE_REF_INVALID',
      `digest "${input.digest}" must be sha256: followed by 64 hex characters`,
    );
  const ref = parseImageRef(input.image);
  if (!ref.ok) return ref;
  if (ref.value.digest !== input.digest)
    return invalid('IMAGE_REF_INVALID', `image "${input.image}" must reference the digest ${input.digest}`);

  const containers = described.containerDefinitions;
  const index = containers.findIndex((c) => isObject(c) && c.name === input.container);
  if (index < 0) {
    const names = containers.map((c) => (isObject(c) ? String(c.name) : '?')).join(', ');
    return invalid(
      'TASK_DEFINITION_INVALID',
      `task definition ${family} has no container "${input.container}" (it has: ${names || 'none'}); ` +
        'fix `container` in the service config',
    );
  }

  // ECS refuses a name that is both a secret and an environment value; say which config to fix.
  const secrets = (containers[index] as ContainerDefinition).secrets;
  const clash = Array.isArray(secrets)
    ? secrets.find((s) => isObject(s) && DEPLOY_ENV_NAMES.has(s.name as string))
    : undefined;
  if (clash !== undefined)
    return invalid(
      'TASK_DEFINITION_INVALID',
      `container "${input.container}" of ${family} takes ${String(clash.name)} from a secret; ` +
        'the deployer sets it, remove it from the secrets',
    );

  let rendered: TaskDefinition;
  try {
    // Copies, so neither the described revision nor the other containers can be changed by accident.
    rendered = structuredClone(
      Object.fromEntries(Object.entries(described).filter(([key]) => !READ_ONLY.has(key))),
    ) as TaskDefinition;
  } catch (cause) {
    return err(
      new DeployerError('TASK_DEFINITION_INVALID', `task definition ${family} cannot be copied`, { cause }),
    );
  }
  const target = rendered.containerDefinitions[index] as ContainerDefinition;
  target.image = input.image;
  target.environment = withDeployEnv(target.environment, {
    [DEPLOY_ENV.digest]: input.digest,
    [DEPLOY_ENV.revision]: input.configRevision,
    [DEPLOY_ENV.image]: input.image,
  });
  return ok(rendered);
}

/**
 * Sets each value in place where the name already is (so the order, and a diff of two revisions,
 * stays stable), drops duplicates of those names, and appends the missing ones in a fixed order.
 */
function withDeployEnv(environment: unknown, values: Record<string, string>): EnvEntry[] {
  const entries: EnvEntry[] = Array.isArray(environment) ? environment : [];
  const seen = new Set<string>();
  const result: EnvEntry[] = [];
  for (const entry of entries) {
    const name = isObject(entry) ? entry.name : undefined;
    if (typeof name !== 'string' || !Object.hasOwn(values, name)) {
      result.push(entry);
      continue;
    }
    if (seen.has(name)) continue;
    seen.add(name);
    result.push({ name, value: values[name] });
  }
  for (const [name, value] of Object.entries(values)) if (!seen.has(name)) result.push({ name, value });
  return result;
}

/**
 * The fields of a revision the deployer does not own: everything but the read-only fields, the
 * configured container's image and the deploy environment values it injects. Two revisions with the
 * same spec differ only in what the deployer rolls out (rollout-id.ts).
 */
export function taskDefinitionSpec(td: TaskDefinition, container: string): Record<string, unknown> {
  const spec = structuredClone(
    Object.fromEntries(Object.entries(td).filter(([key]) => !READ_ONLY.has(key))),
  ) as Record<string, unknown>;
  const containers = Array.isArray(spec.containerDefinitions) ? spec.containerDefinitions : [];
  for (const definition of containers) {
    if (!isObject(definition) || definition.name !== container) continue;
    delete definition.image;
    if (Array.isArray(definition.environment))
      definition.environment = definition.environment.filter(
        (entry: unknown) => !(isObject(entry) && DEPLOY_ENV_NAMES.has(entry.name as string)),
      );
  }
  return spec;
}

const TRAILING_DIGEST = /@(sha256:[0-9a-f]{64})$/;

/** What the given container of a (described) revision runs; undefined when it has no such container. */
export function liveImageOf(
  td: TaskDefinition,
  container: string,
  tags: Record<string, string>,
): LiveImage | undefined {
  if (!isObject(td) || !Array.isArray(td.containerDefinitions)) return undefined;
  const found = td.containerDefinitions.find((c) => isObject(c) && c.name === container);
  if (found === undefined || typeof found.image !== 'string') return undefined;
  const arn =
    td.taskDefinitionArn ?? (td.revision === undefined ? String(td.family) : `${td.family}:${td.revision}`);
  const live: LiveImage = { taskDefinitionArn: arn, image: found.image, tags: { ...tags } };
  const ref = parseImageRef(found.image);
  // Hand-written task definitions may use a reference our parser is strict about (an uppercase
  // registry host, say); a trailing digest still says exactly what runs.
  const digest = ref.ok ? ref.value.digest : TRAILING_DIGEST.exec(found.image)?.[1];
  if (digest !== undefined) live.digest = digest;
  return live;
}
