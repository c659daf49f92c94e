import { mkdirSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_CONFIG_FILE_BYTES, MAX_CONFIG_TOTAL_BYTES } from '../../../deployer/adapters/config-limits.ts';
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

  it('read refuses a file over 32 MiB without reading it: an error names the file, the others are read', async () => {
    const sized = await mkdtemp(path.join(tmpdir(), 'dir-source-big-'));
    try {
      mkdirSync(path.join(sized, 'services'));
      writeFileSync(path.join(sized, 'services/a.yaml'), 'name: a\n');
      writeFileSync(path.join(sized, 'services/huge.yaml'), '');
      truncateSync(path.join(sized, 'services/huge.yaml'), 33 * 1024 * 1024); // sparse: no 33 MiB written
      symlinkSync('/dev/zero', path.join(sized, 'services/zero.yaml'));
      const src = new DirectoryConfigSource({ root: sized, configPath: 'services' });
      const snapshot = await src.read(undefined, signal);
      expect(snapshot.files).toEqual([{ path: 'services/a.yaml', text: 'name: a\n' }]);
      expect(snapshot.problems).toEqual([
        expect.objectContaining({
          file: 'services/zero.yaml',
          line: 1,
          message: expect.stringContaining('not a regular file'),
        }),
        expect.objectContaining({
          file: 'services/huge.yaml',
          line: 1,
          message: expect.stringMatching(/33\.0 MiB, over the 256 KiB limit/),
        }),
      ]);
      // Fixing the file is a new revision, picked up like any edit.
      rmSync(path.join(sized, 'services/huge.yaml'));
      rmSync(path.join(sized, 'services/zero.yaml'));
      const fixed = await src.read(undefined, signal);
      expect(fixed.problems).toBeUndefined();
      expect(fixed.revision).not.toBe(snapshot.revision);
    } finally {
      await rm(sized, { recursive: true, force: true });
    }
  });

  it('read refuses the files that would bring the total over its limit', async () => {
    const sized = await mkdtemp(path.join(tmpdir(), 'dir-source-total-'));
    try {
      mkdirSync(path.join(sized, 'services'));
      const count = Math.floor(MAX_CONFIG_TOTAL_BYTES / MAX_CONFIG_FILE_BYTES) + 1;
      const names = Array.from({ length: count }, (_, i) => `s${String(i).padStart(3, '0')}.yaml`);
      for (const name of names)
        writeFileSync(path.join(sized, 'services', name), 'x'.repeat(MAX_CONFIG_FILE_BYTES));
      const snapshot = await new DirectoryConfigSource({ root: sized, configPath: 'services' }).read(
        undefined,
        signal,
      );
      expect(snapshot.files).toHaveLength(count - 1);
      expect(snapshot.problems).toEqual([
        expect.objectContaining({
          file: `services/${names.at(-1)}`,
          message: expect.stringContaining('over the 8.0 MiB limit of all of them together'),
        }),
      ]);
    } finally {
      await rm(sized, { recursive: true, force: true });
    }
  });

  it('lets the event loop run while it reads hundreds of files (they are read 100 at a time)', async () => {
    const many = await mkdtemp(path.join(tmpdir(), 'dir-source-many-'));
    try {
      mkdirSync(path.join(many, 'services'));
      for (let i = 0; i < 450; i++)
        writeFileSync(path.join(many, 'services', `s${String(i).padStart(3, '0')}.yaml`), `name: s${i}\n`);
      let turns = 0;
      let reading = true;
      const count = () => {
        turns++;
        if (reading) setImmediate(count);
      };
      setImmediate(count);
      const snapshot = await new DirectoryConfigSource({ root: many, configPath: 'services' }).read(
        undefined,
        signal,
      );
      reading = false;
      expect(snapshot.files).toHaveLength(450);
      // Stat-ing and reading 450 files: 10 batches, each followed by a turn of the loop.
      expect(turns).toBeGreaterThanOrEqual(9);
    } finally {
      await rm(many, { recursive: true, force: true });
    }
  });

  it('stops between batches when aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stopping'));
    await expect(new DirectoryConfigSource({ root }).read(undefined, controller.signal)).rejects.toThrow(
      'stopping',
    );
  });
});
