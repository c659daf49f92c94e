import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DirectoryConfigSource } from '../../../deployer/adapters/directory-config-source.ts';
import {
  type ConfigWatcher,
  POLL_BUDGET,
  watchConfigDirectory,
} from '../../../deployer/startup/config-watcher.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Generous cap for event-driven waits on a loaded machine; the watcher's own bound is ~0.6 s. */
const CAP = { timeout: 10_000, interval: 20 };
/** Debounce (and poll) for the tests: the semantics do not depend on the 100 ms default, only the wait. */
const QUICK_MS = 10;

/** The inotify watches this process holds (Linux: one `inotify wd:` line per watch in the fd's fdinfo). */
function inotifyWatches(): number {
  let count = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    let target = '';
    try {
      target = readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      continue; // closed since the listing (readdir's own descriptor)
    }
    if (target !== 'anon_inode:inotify') continue;
    const info = readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8');
    count += info.split('\n').filter((line) => line.startsWith('inotify wd:')).length;
  }
  return count;
}

describe('watchConfigDirectory', () => {
  let dir: string;
  let file: string;
  let watcher: ConfigWatcher | undefined;
  let source: DirectoryConfigSource;
  const revision = async (signal: AbortSignal) => (await source.read(undefined, signal)).revision;
  const onDisk = () => revision(AbortSignal.timeout(5_000));

  /** How vim, JetBrains safe write and git checkout save: write a new file, rename it over the old. */
  const renameSave = async (text: string) => {
    await writeFile(`${file}.tmp`, text);
    await rename(`${file}.tmp`, file);
  };

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ecs-gitops-watch-'));
    await mkdir(path.join(dir, 'services'));
    file = path.join(dir, 'services', 'actors.yaml');
    await writeFile(file, 'name: actors # 0\n');
    source = new DirectoryConfigSource({ root: dir, configPath: 'services' });
  });
  afterEach(async () => {
    watcher?.close();
    watcher = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it('reports two rename-saves and an in-place write in a row, each with its new revision', async () => {
    const seen: string[] = [];
    watcher = watchConfigDirectory(dir, (r) => seen.push(r), { revision, debounceMs: QUICK_MS });
    await watcher.started;
    for (const edit of [
      () => renameSave('name: actors # 1\n'),
      () => renameSave('name: actors # 2\n'),
      () => writeFile(file, 'name: actors # 3\n'),
    ]) {
      await edit();
      const expected = await onDisk();
      await expect.poll(() => seen.at(-1), CAP).toBe(expected);
    }
    expect(new Set(seen).size).toBe(seen.length);
  });

  it.runIf(process.platform === 'linux')(
    'watches each directory, not each file: 50 service files cost two inotify watches',
    async () => {
      for (let index = 0; index < 50; index += 1)
        await writeFile(path.join(dir, 'services', `svc-${index}.yaml`), `name: svc-${index}\n`);
      const before = inotifyWatches();
      const seen: string[] = [];
      watcher = watchConfigDirectory(dir, (r) => seen.push(r), { revision, debounceMs: QUICK_MS, pollMs: 0 });
      await watcher.started;
      expect(inotifyWatches() - before).toBe(2); // the config directory and services/
      // A file among them is still seen through its directory's watch (no poll).
      await writeFile(path.join(dir, 'services', 'svc-7.yaml'), 'name: svc-7 # edited\n');
      const expected = await onDisk();
      await expect.poll(() => seen.at(-1), CAP).toBe(expected);
      watcher.close();
      expect(inotifyWatches()).toBe(before);
    },
  );

  it('re-arms the watch after a rename-save, so watch events alone (no poll) see the next saves', async () => {
    const seen: string[] = [];
    watcher = watchConfigDirectory(dir, (r) => seen.push(r), { revision, debounceMs: QUICK_MS, pollMs: 0 });
    await watcher.started;
    for (const index of [1, 2, 3]) {
      await renameSave(`name: actors # ${index}\n`);
      const expected = await onDisk();
      await expect.poll(() => seen.at(-1), CAP).toBe(expected);
    }
  });

  it('finds a change through the poll when no watch event comes', async () => {
    const seen: string[] = [];
    // A directory the watch cannot see into does not exist, so stand in with a revision that moves.
    let current = 'sha256:a';
    watcher = watchConfigDirectory(path.join(dir, 'services'), (r) => seen.push(r), {
      revision: async () => current,
      pollMs: 20,
    });
    await watcher.started;
    current = 'sha256:b';
    await expect.poll(() => seen, CAP).toEqual(['sha256:b']);
  });

  it('reports a burst of writes ending on the last revision, and nothing for a rewrite of the same text', async () => {
    const seen: string[] = [];
    watcher = watchConfigDirectory(dir, (r) => seen.push(r), { revision, debounceMs: QUICK_MS });
    await watcher.started;
    for (let index = 1; index <= 5; index++) await writeFile(file, `name: actors # ${index}\n`);
    const last = await onDisk();
    await expect.poll(() => seen.at(-1), CAP).toBe(last);
    const count = seen.length;
    await writeFile(file, 'name: actors # 5\n');
    // Wait for a later, different change: the identical rewrite before it must not have been reported.
    await renameSave('name: actors # 6\n');
    const next = await onDisk();
    await expect.poll(() => seen.at(-1), CAP).toBe(next);
    expect(seen.slice(count)).toEqual([next]);
  });

  it('polls as a slow safety net: at most 1/200 of the time reading (10,000 files: every ~4 minutes)', () => {
    // Edits are seen through the watches (the tests above, pollMs 0); a poll reads every file.
    expect(POLL_BUDGET).toBe(200);
  });

  it('calls nothing after close()', async () => {
    let calls = 0;
    watcher = watchConfigDirectory(dir, () => calls++, { revision, debounceMs: QUICK_MS, pollMs: QUICK_MS });
    await watcher.started;
    watcher.close();
    await writeFile(file, 'name: changed\n');
    // Five debounce and poll periods: a timer left running would have fired by then.
    await sleep(5 * QUICK_MS);
    expect(calls).toBe(0);
  });

  it('reports a missing directory through onError instead of throwing', async () => {
    const errors: unknown[] = [];
    watcher = watchConfigDirectory(path.join(dir, 'missing'), () => undefined, {
      revision: async () => 'sha256:none',
      pollMs: 0,
      onError: (error) => errors.push(error),
    });
    await watcher.started;
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toContain('ENOENT');
  });

  it('reports a revision that keeps failing the same way once', async () => {
    const errors: unknown[] = [];
    let reads = 0;
    watcher = watchConfigDirectory(dir, () => undefined, {
      revision: async () => {
        reads++;
        throw new Error('EACCES: permission denied');
      },
      pollMs: 5,
      onError: (error) => errors.push(error),
    });
    await expect.poll(() => reads, CAP).toBeGreaterThan(3);
    expect(errors).toHaveLength(1);
  });

  it('reports a change against the revision it is given (the one the runtime loaded)', async () => {
    const seen: string[] = [];
    watcher = watchConfigDirectory(dir, (r) => seen.push(r), {
      revision,
      knownRevision: 'sha256:what-the-runtime-loaded',
      pollMs: 0,
    });
    await watcher.started;
    // The directory changed between the runtime's read and the watcher's first: that is a change.
    expect(seen).toEqual([await onDisk()]);
  });

  it('reports nothing at start when the directory still holds the revision it is given', async () => {
    const seen: string[] = [];
    watcher = watchConfigDirectory(dir, (r) => seen.push(r), {
      revision,
      knownRevision: await onDisk(),
      pollMs: 0,
    });
    await watcher.started;
    expect(seen).toEqual([]);
  });

  it('spaces its polls out by how long a read takes (a large directory is not read back to back)', async () => {
    const readMs = 2;
    const starts: number[] = [];
    watcher = watchConfigDirectory(dir, () => undefined, {
      revision: async () => {
        starts.push(performance.now());
        await sleep(readMs);
        return 'sha256:same';
      },
      pollMs: 1,
    });
    await expect.poll(() => starts.length, CAP).toBeGreaterThanOrEqual(2); // one gap: POLL_BUDGET makes each long
    watcher.close();
    const gaps = starts.slice(1).map((at, i) => at - (starts[i] ?? 0));
    // Each gap is the read itself plus the wait after it: POLL_BUDGET reads' worth at least, not pollMs.
    // A 5 ms timer can end up to 1 ms early by the clock (libuv caches the loop's time), so a read is
    // counted as 4 ms at the least: back to back polls (pollMs 1) would still be far below.
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(POLL_BUDGET * (readMs - 1));
  });
});
