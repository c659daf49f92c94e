// Dockerfile.deployer ships Node's compile cache filled at build, so a starting deployer compiles
// nothing and never loads Node's TypeScript stripper (test/integration/docker/deployer-image.test.ts
// checks what that buys). Node keys the cache by V8 flags and user id: filled with other flags or as
// another user, the deployer would find none of it and start cold without a word.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { effectiveUser, environment, type Instruction, parseDockerfile } from '../support/dockerfile.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const { final } = parseDockerfile(readFileSync(path.join(ROOT, 'Dockerfile.deployer'), 'utf8'));
const instructions = final.instructions;
const warmAt = instructions.findIndex(
  (i) => i.keyword === 'RUN' && i.raw.includes('deployer/startup/warm-compile-cache.ts'),
);
const preceding = (at: number) => instructions.slice(0, at);
const envSet = (list: Instruction[], name: string) =>
  list.filter((i) => i.keyword === 'ENV' && new RegExp(`(^|\\s)${name}[=\\s]`).test(i.raw));

describe('Dockerfile.deployer fills the compile cache the deployer reads', () => {
  it('sets NODE_COMPILE_CACHE and runs warm-compile-cache.ts after it', () => {
    expect(warmAt).toBeGreaterThan(0);
    expect(envSet(preceding(warmAt), 'NODE_COMPILE_CACHE')).toHaveLength(1);
    expect(envSet(instructions.slice(warmAt), 'NODE_COMPILE_CACHE')).toEqual([]);
  });

  it('with the NODE_OPTIONS the deployer runs with (none changed after it)', () => {
    expect(envSet(preceding(warmAt), 'NODE_OPTIONS')).toHaveLength(1);
    expect(envSet(instructions.slice(warmAt), 'NODE_OPTIONS')).toEqual([]);
  });

  it('as the user the deployer runs as', () => {
    const userAtWarm = preceding(warmAt)
      .filter((i) => i.keyword === 'USER')
      .at(-1)?.args[0];
    expect(userAtWarm).toBeDefined();
    expect(userAtWarm).toBe(effectiveUser(final));
  });

  it('and hands the cache to root afterwards: the deployer cannot rewrite it', () => {
    const dir = environment(final).NODE_COMPILE_CACHE ?? '(unset)';
    const after = instructions.slice(warmAt + 1).filter((i) => i.keyword === 'RUN');
    expect(after.map((i) => i.raw)).toContain(`chown -R root:root ${dir}`);
  });
});
