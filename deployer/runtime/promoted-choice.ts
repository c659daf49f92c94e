// The image choice of an environment promoted from another (domain/promotion.ts), from what reconcile
// read (the upstream's revision records) and what this process remembers: the digests that failed in
// each environment of the pipeline. Undefined for a service that is not promoted, or that pins.
import { targetName } from '../domain/config/environments.ts';
import { type PipelineFailure, type Promotion, promotion } from '../domain/promotion.ts';
import { registryTag } from '../domain/registry-tag.ts';
import type { RevisionRecord } from '../domain/revision-tags.ts';
import type { RegistryImage, ServiceConfig } from '../domain/types.ts';
import type { StatusStore } from './status-store.ts';

export interface PromotedChoiceInput {
  config: ServiceConfig;
  images: readonly RegistryImage[];
  /** The upstream's recent revision records, newest first (absent: not read). */
  upstream: readonly RevisionRecord[] | undefined;
  live: string | undefined;
  now: Date;
}

/** Whether a service's image comes from another environment (a pin in the environment wins). */
export function isPromoted(config: ServiceConfig): boolean {
  return config.environment?.promote !== undefined && config.image.pin === undefined;
}

export function promotedChoice(store: StatusStore, input: PromotedChoiceInput): Promotion | undefined {
  const { config, images } = input;
  const promote = config.environment?.promote;
  if (!promote || !isPromoted(config)) return undefined;
  if (input.upstream === undefined)
    throw new Error(`${config.name}: the revisions of ${promote.from} were not read; a reconcile reads them`);
  return promotion({
    promote,
    upstream: input.upstream,
    failures: pipelineFailures(store, config),
    now: input.now,
    live: input.live,
    tagOf: (digest) => registryTag(images, digest),
  });
}

/** Every digest an environment of this pipeline remembers as failed. */
function pipelineFailures(store: StatusStore, config: ServiceConfig): PipelineFailure[] {
  const environment = config.environment;
  if (!environment) return [];
  return environment.stages.flatMap((stage) => {
    const name = targetName(environment.pipeline, stage);
    return (store.service(name)?.failedDigests ?? []).map((f) => ({
      digest: f.digest,
      environment: name,
      reason: f.reason,
    }));
  });
}
