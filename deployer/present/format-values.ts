// Short human forms of digests, images, durations and timestamps for the dashboard and the CLI.
import type { ImageStatus } from '../contract/status-model.ts';

/** `sha256:0123456789ab…` → `0123456789ab` (12 hex, like docker). */
export function shortDigest(digest: string | undefined | null): string {
  if (!digest) return '';
  const hex = digest.startsWith('sha256:') ? digest.slice('sha256:'.length) : digest;
  return hex.slice(0, 12);
}

/** `tag@shortdigest`, `tag`, `@shortdigest`, or the last path segment of the image. */
export function imageLabel(image: Pick<ImageStatus, 'image' | 'tag' | 'digest'> | null | undefined): string {
  if (!image) return '—';
  const digest = shortDigest(image.digest ?? digestOf(image.image));
  const tag = image.tag ?? tagOf(image.image);
  if (tag && digest) return `${tag}@${digest}`;
  if (tag) return tag;
  if (digest) return `@${digest}`;
  return image.image.split('/').pop() ?? image.image;
}

function digestOf(image: string): string | undefined {
  const at = image.indexOf('@');
  return at === -1 ? undefined : image.slice(at + 1);
}

function tagOf(image: string): string | undefined {
  const withoutDigest = image.split('@')[0] ?? image;
  const lastSegment = withoutDigest.split('/').pop() ?? '';
  const colon = lastSegment.indexOf(':');
  return colon === -1 ? undefined : lastSegment.slice(colon + 1);
}

/** 950 → `950ms`, 65_000 → `1m 05s`, 3_720_000 → `1h 02m`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}

/** ISO timestamp → `2026-11-25 17:03:09Z` (stable, timezone-free, sortable). */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

/** Git commits and content hashes shortened to 12 characters (`sha256:` prefix kept readable). */
export function shortRevision(revision: string | null | undefined): string {
  if (!revision) return '';
  if (revision.startsWith('sha256:')) return `sha256:${revision.slice(7, 19)}`;
  return revision.slice(0, 12);
}

/** The parts of a service's status that name images (ServiceStatus fits). */
export interface ImagesOfService {
  live: { image: string; digest?: string; tag?: string } | null;
  desired: { digest: string; tag?: string } | null;
  currentRollout: { from: ImageStatus | null; to: ImageStatus } | null;
  recentRollouts: ReadonlyArray<{ to: ImageStatus; from: ImageStatus | null }>;
}

/**
 * Digest → tag, from every image the status names with a tag. ECS only knows `repo@digest`, but the
 * desired image and the rollouts usually say which tag that digest was chosen as.
 */
export function knownTags(service: ImagesOfService): Map<string, string> {
  const tags = new Map<string, string>();
  const images = [
    service.live,
    service.desired,
    service.currentRollout?.to,
    service.currentRollout?.from,
    ...service.recentRollouts.flatMap((r) => [r.to, r.from]),
  ];
  for (const image of images) {
    if (image?.digest && image.tag && !tags.has(image.digest)) tags.set(image.digest, image.tag);
  }
  return tags;
}

/** The image with its tag filled in from `tags` when it has none of its own. */
export function withKnownTag<T extends ImageStatus>(
  image: T | null,
  tags: ReadonlyMap<string, string>,
): T | null {
  if (!image || image.tag) return image;
  const digest = image.digest ?? digestOf(image.image);
  const tag = digest ? tags.get(digest) : undefined;
  return tag ? { ...image, tag } : image;
}

/** The live image with its tag when the status knows it. */
export function liveImageStatus(service: ImagesOfService): ImageStatus | null {
  const live = service.live;
  if (!live) return null;
  const digest = live.digest ?? digestOf(live.image);
  const image: ImageStatus = {
    image: live.image,
    ...(digest ? { digest } : {}),
    ...(live.tag ? { tag: live.tag } : {}),
  };
  return withKnownTag(image, knownTags(service));
}
