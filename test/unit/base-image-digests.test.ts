// Both images start from a base pinned by digest (`image:tag@sha256:<64 hex>`), the same one in every
// stage and in both Dockerfiles: a tag alone can move under a rebuild, and two bases would mean two
// Node runtimes to patch. Stages built FROM an earlier stage of the same file need no digest.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DOCKERFILES = ['Dockerfile.deployer', 'Dockerfile.service'];
const PINNED = /^(?<image>[\w./:-]+)@sha256:[0-9a-f]{64}$/;

/** The image of every FROM that is not an earlier stage of the same file. */
function externalBases(file: string): string[] {
  const stages = new Set<string>();
  const bases: string[] = [];
  for (const line of readFileSync(path.join(ROOT, file), 'utf8').split('\n')) {
    const match = /^FROM\s+(?:--\S+\s+)*(?<image>\S+)(?:\s+AS\s+(?<name>\S+))?/i.exec(line.trim());
    if (!match?.groups?.image) continue;
    if (!stages.has(match.groups.image.toLowerCase())) bases.push(match.groups.image);
    if (match.groups.name) stages.add(match.groups.name.toLowerCase());
  }
  return bases;
}

describe.each(DOCKERFILES)('%s', (file) => {
  it('pins every base image by sha256 digest', () => {
    const bases = externalBases(file);
    expect(bases.length).toBeGreaterThan(0);
    for (const base of bases) expect(base, `FROM ${base} in ${file}`).toMatch(PINNED);
  });
});

describe('base images', () => {
  it('are one node:24-slim digest across both Dockerfiles', () => {
    const all = new Set(DOCKERFILES.flatMap(externalBases));
    expect(all.size).toBe(1);
    expect([...all][0]).toMatch(/^node:24-slim@sha256:/);
  });
});
