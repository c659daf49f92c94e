// Deterministic rollout ids: the same service, image and desired state always map to the same rollout,
// so a retry finds its own revision (tag) and invalidation (CallerReference) instead of repeating them.
// The desired state is the service's own config plus the task definition fields the deployer does not
// own: a commit that changes nothing of this service (docs, another service) keeps the id, while a
// CDK change to cpu, memory or environment gives a new one (never an older revision reused by id).
import { createHash } from 'node:crypto';
import { taskDefinitionSpec } from './task-definition.ts';
import type { ServiceConfig, TaskDefinition } from './types.ts';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export function rolloutId(service: string, digest: string, desiredSpec: string): string {
  return `ro-${sha256(`${service}\u0000${digest}\u0000${desiredSpec}`).slice(0, 20)}`;
}

/**
 * Fingerprint of what a rollout of `config` from `template` (the live revision) deploys, image aside:
 * the service config without where it was read from, and the template without the fields the deployer
 * writes (image, deploy environment values) or ECS adds (read-only fields).
 */
export function desiredSpec(config: ServiceConfig, template: TaskDefinition | undefined): string {
  const { source: _source, ...service } = config;
  const fields = template === undefined ? null : taskDefinitionSpec(template, config.container);
  return sha256(canonicalJson({ service, taskDefinition: fields }));
}

/** JSON with object keys sorted at every level: equal values give equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
