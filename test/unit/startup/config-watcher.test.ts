import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ConfigWatcher, watchConfigDirectory } from '../../../deployer/startup/config-watcher.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('watchConfigDirectory', () => {
  let dir: string;
  let watcher: ConfigWatcher | undefined;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ecs-gitops-watch-'));
    await mkdir(path.join(dir, 'services'));
  });
  afterEach(async () => {
    watcher?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('calls back once for a burst of writes in a subdirectory', async () => {
    let calls = 0;
    watcher = watchConfigDirectory(dir, () => calls++, { debounceMs: 150 });
    for (let index = 0; index < 5; index++) {
      await writeFile(path.join(dir, 'services', 'actors.yaml'), `name: actors # ${index}\n`);
      await sleep(10);
    }
    await expect.poll(() => calls, { timeout: 3_000 }).toBe(1);
    await sleep(300);
    expect(calls).toBe(1);
  });

  it('calls back again for a later change', async () => {
    let calls = 0;
    watcher = watchConfigDirectory(dir, () => calls++, { debounceMs: 50 });
    await writeFile(path.join(dir, 'services', 'a.yaml'), 'name: a\n');
    await expect.poll(() => calls, { timeout: 3_000 }).toBe(1);
    await writeFile(path.join(dir, 'services', 'b.yaml'), 'name: b\n');
    await expect.poll(() => calls, { timeout: 3_000 }).toBe(2);
  });

  it('calls nothing after close()', async () => {
    let calls = 0;
    watcher = watchConfigDirectory(dir, () => calls++, { debounceMs: 50 });
    await writeFile(path.join(dir, 'services', 'a.yaml'), 'name: a\n');
    watcher.close();
    await sleep(300);
    expect(calls).toBe(0);
  });

  it('reports a missing directory through onError instead of throwing', () => {
    const errors: unknown[] = [];
    watcher = watchConfigDirectory(path.join(dir, 'missing'), () => undefined, {
      onError: (error) => errors.push(error),
    });
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toContain('ENOENT');
  });
});
