// What Dockerfile.deployer's compile cache buys (test/unit/deployer-compile-cache.test.ts checks the
// Dockerfile fills it as the deployer runs): filled by the build's own step, the deployer's modules load
// without Node's TypeScript stripper (amaro, ~20 MiB resident and ~0.4 s of CPU to load under load) and
// without compiling. Importing deployer/main.ts starts nothing: that is how the build step loads it.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDockerfile } from '../../support/dockerfile.ts';
import { warmCompileCacheAsBuilt } from '../../support/image-compile-cache.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const { final } = parseDockerfile(readFileSync(path.join(ROOT, 'Dockerfile.deployer'), 'utf8'));
const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

/** Imports the entry point as the image's node would load it; returns the TypeScript internals Node loaded. */
function loadEntry(env: Record<string, string>): { loaded: string[]; stdout: string } {
  const script = `await import('./deployer/main.ts'); process.stdout.write(JSON.stringify(process.moduleLoadList.filter((m) => /amaro|typescript/i.test(m))))`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
  });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return { loaded: JSON.parse(run.stdout) as string[], stdout: run.stdout };
}

describe("Dockerfile.deployer's compile cache", () => {
  it("filled by the build's step, the deployer's modules load without stripping a type", async () => {
    const image = await warmCompileCacheAsBuilt(final, ROOT);
    if (image.cacheDir) dirs.push(image.cacheDir);
    expect(image.cacheDir).toBeDefined();
    const { PORT: _port, ...env } = image.env;
    const warm = loadEntry(env);
    expect(warm.loaded.filter((m) => m.includes('amaro'))).toEqual([]);
    // Without the cache the same import loads the stripper: the check above can fail.
    const { NODE_COMPILE_CACHE: _cache, ...cold } = env;
    expect(loadEntry(cold).loaded.some((m) => m.includes('amaro'))).toBe(true);
  });
});
