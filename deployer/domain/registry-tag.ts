// The name of a live digest. ECS only knows `repo@sha256:…`; once the desired image moves on, nothing
// else in the status names the live one, and the dashboard showed a bare digest mid-rollout.
import type { RegistryImage } from './types.ts';

/** A tag the registry holds for `digest`, preferring a version over a moving `latest`. */
export function registryTag(
  images: readonly RegistryImage[],
  digest: string | undefined,
): string | undefined {
  const tags = digest ? images.find((image) => image.digest === digest)?.tags : undefined;
  return tags?.find((tag) => tag !== 'latest') ?? tags?.[0];
}
