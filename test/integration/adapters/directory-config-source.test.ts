import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectoryConfigSource } from '../../../deployer/adapters/directory-config-source.ts';
import type { DeployerError } from '../../../deployer/domain/errors.ts';

const signal = new AbortController().signal;
let root: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'dir-source-'));
  mkdirSync(path.join(root, 'config/services'), { recursive: true });
  writeFileSync(path.join(root, 'config/services/b.yaml'), 'name: b\n');
  writeFileSync(path.join(root, 'config/services/a.yml'), 'name: a\n');
  writeFileSync(path.join(root, 'config/services/readme.md'), 'ignored');
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('DirectoryConfigSource', () => {
  it('read(undefined) returns the yaml files sorted by path with a stable content hash', async () => {
    const src = new DirectoryConfigSource({ root });
    const first = await src.read(undefined, signal);
    expect(first.files).toEqual([
      { path: 'config/services/a.yml', text: 'name: a\n' },
      { path: 'config/services/b.yaml', text: 'name: b\n' },
    ]);
    expect(first.revision).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect((await src.read(undefined, signal)).revision).toBe(first.revision);
    expect((await src.read(first.revision, signal)).files).toHaveLength(2);
  });

  it('read changes revision when a file changes, and rejects the old revision', async () => {
    const src = new DirectoryConfigSource({ root });
    const before = await src.read(undefined, signal);
    writeFileSync(path.join(root, 'config/services/b.yaml'), 'name: b\nsuspended: true\n');
    const after = await src.read(undefined, signal);
    expect(after.revision).not.toBe(before.revision);
    const error = (await src.read(before.revision, signal).catch((e: unknown) => e)) as DeployerError;
    expect(error.code).toBe('GIT_FAILED');
    expect(error.retryable).toBe(false);
  });

  it('read of a root without config/services returns no files', async () => {
    const snapshot = await new DirectoryConfigSource({ root: path.join(root, 'config') }).read(
      undefined,
      signal,
    );
    expect(snapshot.files).toEqual([]);
  });
});
