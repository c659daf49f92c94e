// The ECR tags of an image built by .github/workflows/images.yml, from the git ref and commit.
// The repositories are IMMUTABLE (infra/lib/registries.ts), so every tag is pushed once and never
// moves: a branch push gets `sha-<12 hex>`, a version tag `v1.4.2` gets `1.4.2` (what semver
// policies in config/ track). No `latest`, `1.4` or `main`: they would have to move.
// Run in the workflow as `node .github/scripts/image-tags.ts`; it appends `tags=` to $GITHUB_OUTPUT.
import { appendFileSync } from 'node:fs';

/** semver 2.0.0 (semver.org), with the leading `v` of a git tag. */
const VERSION_TAG =
  /^refs\/tags\/v((?:0|[1-9]\d*)\.(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?)$/;

export function imageTags(ref: string, sha: string): string[] {
  if (!/^[0-9a-f]{40}$/.test(sha))
    throw new Error(`GITHUB_SHA=${JSON.stringify(sha)} is not a full commit sha`);
  const version = VERSION_TAG.exec(ref)?.[1];
  // Docker tags allow [A-Za-z0-9_.-]; semver build metadata's `+` is not one of them.
  if (version) return [version.replace('+', '_')];
  if (ref.startsWith('refs/heads/')) return [`sha-${sha.slice(0, 12)}`];
  throw new Error(`${ref} is neither a branch nor a version tag (vMAJOR.MINOR.PATCH): nothing to tag`);
}

if (import.meta.main) {
  const tags = imageTags(process.env.GITHUB_REF ?? '', process.env.GITHUB_SHA ?? '');
  const output = process.env.GITHUB_OUTPUT;
  if (output) appendFileSync(output, `tags=${tags.join(',')}\n`);
  process.stdout.write(`${tags.join('\n')}\n`);
}
