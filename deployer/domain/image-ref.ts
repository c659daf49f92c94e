// Docker-style image references: `[registry/]repository[:tag][@digest]`, parsed without throwing.
import { DeployerError, err, ok, type Result } from './errors.ts';
import type { ImageRef } from './types.ts';

const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

export function isDigest(text: string): boolean {
  return DIGEST.test(text);
}

const invalid = (text: string, why: string) =>
  err(new DeployerError('IMAGE_REF_INVALID', `invalid image reference "${text}": ${why}`));

export function parseImageRef(text: string): Result<ImageRef> {
  if (typeof text !== 'string' || text.length === 0 || text.length > 512)
    return invalid(String(text), 'empty or too long');
  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!isDigest(digest))
      return invalid(text, 'digest must be sha256: followed by 64 lowercase hex characters');
  }
  const parts = rest.split('/');
  let registry: string | undefined;
  // Like Docker: the first component is a registry host when it looks like one.
  if (parts.length > 1) {
    const first = parts[0] ?? '';
    if (first.includes('.') || first.includes(':') || first === 'localhost') {
      registry = first;
      parts.shift();
    }
  }
  let tag: string | undefined;
  const last = parts[parts.length - 1] ?? '';
  const colon = last.indexOf(':');
  if (colon >= 0) {
    tag = last.slice(colon + 1);
    parts[parts.length - 1] = last.slice(0, colon);
    if (!TAG.test(tag)) return invalid(text, `tag "${tag}" must match [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`);
  }
  if (registry !== undefined && !/^[A-Za-z0-9.-]+(?::[0-9]+)?$/.test(registry))
    return invalid(text, 'bad registry host');
  if (parts.length === 0 || parts.some((p) => !PATH_COMPONENT.test(p))) {
    return invalid(text, 'repository must be lowercase path components separated by "/"');
  }
  const ref: ImageRef = { repository: parts.join('/') };
  if (registry !== undefined) ref.registry = registry;
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest;
  return ok(ref);
}

export function formatImageRef(ref: ImageRef): string {
  const name = ref.registry === undefined ? ref.repository : `${ref.registry}/${ref.repository}`;
  return `${name}${ref.tag === undefined ? '' : `:${ref.tag}`}${ref.digest === undefined ? '' : `@${ref.digest}`}`;
}

/** Same repository; a bare name matches any registry URI ending in that name (ECR URI vs repository name). */
export function sameRepository(a: ImageRef, b: ImageRef): boolean {
  if (a.repository !== b.repository) return false;
  if (a.registry === undefined || b.registry === undefined) return true;
  return a.registry === b.registry;
}

/**
 * Whether a service's configured repository (name or URI) is the pushed one (EventBridge gives the
 * name, e.g. `team/actors`; a URI ends in `/team/actors`).
 */
export function sameRepositoryName(configured: string, pushed: string): boolean {
  const a = parseImageRef(configured);
  const b = parseImageRef(pushed);
  return a.ok && b.ok ? sameRepository(a.value, b.value) : configured === pushed;
}
