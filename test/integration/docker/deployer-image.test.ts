// The deployer image, without Docker: lay out Dockerfile.deployer's final stage in a temporary
// directory (exactly what it COPYs; production packages only, linked) and run the build's
// compile-cache step on it, once for the file. Then (1) what the filled cache buys: the deployer's
// modules load without Node's TypeScript stripper (amaro, ~20 MiB resident and ~0.4 s of CPU to load
// under load) and without compiling (test/unit/deployer-compile-cache.test.ts checks the Dockerfile
// fills it as the deployer runs); (2) its CMD in aws mode against the local AWS stand-ins becomes
// ready: the image holds what the production path loads (the local world, which needs
// devDependencies, is not in the image), and, started on an empty cache, it flushes the cache once
// started. One layout and one warm step serve all of it (each costs a cold compile of the deployer's
// modules; this was three files: compile-cache.test.ts and startup/compile-cache-release.test.ts).

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEPLOYER_HEALTH_PATH, DEPLOYER_READY_PATH } from '../../../common/contract.ts';
import { freePort } from '../../../local/tasks/free-port.ts';
import { type LocalWorld, startLocalWorld } from '../../../local/world.ts';
import { layoutFinalStage, linkProductionModules } from '../../support/docker-context.ts';
import { command, parseDockerfile } from '../../support/dockerfile.ts';
import { type WarmedImageEnv, warmCompileCacheAsBuilt } from '../../support/image-compile-cache.ts';
import { quietLogger } from '../local/helpers.ts';
import { startServiceProcess } from '../service/support/service-process.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const dockerfile = parseDockerfile(readFileSync(path.join(ROOT, 'Dockerfile.deployer'), 'utf8'));
const cleanups: Array<() => Promise<unknown>> = [];
/**
 * An upper bound for each of /health and /readyz. The deployer starts on an empty compile cache (the
 * flush check needs one), so it compiles and type-strips every module instead of reading the image's
 * cache: 15 s, enough for a warm start, was too little at a load of 16-19 (this is the bound
 * spawnDeployer's start timeout sets for the other cold starts).
 */
const COLD_START_LIMIT_MS = 60_000;

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Cache entries on disk (Node keeps them in one directory per Node version, V8 flags and user). */
async function cacheEntries(cacheDir: string): Promise<number> {
  let count = 0;
  for (const sub of await readdir(cacheDir)) count += (await readdir(path.join(cacheDir, sub))).length;
  return count;
}

/**
 * Imports the entry point as the image's node would load it (importing deployer/main.ts starts
 * nothing: that is how the build step loads it); returns the TypeScript internals Node loaded.
 */
function loadEntry(dir: string, env: Record<string, string>): string[] {
  const script = `await import('./deployer/main.ts'); process.stdout.write(JSON.stringify(process.moduleLoadList.filter((m) => /amaro|typescript/i.test(m))))`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
  });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return JSON.parse(run.stdout) as string[];
}

describe('Dockerfile.deployer, laid out as the image holds it', () => {
  let dir: string;
  let image: WarmedImageEnv;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'deployer-image-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    await layoutFinalStage(dockerfile, ROOT, dir);
    await linkProductionModules(ROOT, dir);
    // The build's compile-cache step, run on the laid-out image (a temporary stand-in for its directory).
    image = await warmCompileCacheAsBuilt(dockerfile.final, dir);
    const { cacheDir } = image;
    if (cacheDir) cleanups.push(() => rm(cacheDir, { recursive: true, force: true }));
  });

  it("filled by the build's step, the compile cache lets the deployer's modules load without stripping a type", () => {
    expect(image.cacheDir).toBeDefined();
    const { PORT: _port, ...env } = image.env;
    expect(loadEntry(dir, env).filter((m) => m.includes('amaro'))).toEqual([]);
    // Without the cache the same import loads the stripper: the check above can fail.
    const { NODE_COMPILE_CACHE: _cache, ...cold } = env;
    expect(loadEntry(dir, cold).some((m) => m.includes('amaro'))).toBe(true);
  });

  // Node holds every compile-cache entry it read or made until the cache is flushed
  // (src/compile_cache.cc: Persist writes the entries that changed, then clears them all); the filled
  // cache made that ~7 MiB of malloc held for the deployer's whole life. The deployer flushes once it
  // has started (deployer/main.ts). Seen from outside: started on an empty cache, it has written its
  // compiled modules into it while it still runs (without the flush Node writes them only at exit).
  // (Was startup/compile-cache-release.test.ts, a local-mode deployer of its own.)
  it('starts in aws mode against the local stand-ins, becomes ready, and flushes the compile cache while it runs', async () => {
    const world: LocalWorld = await startLocalWorld({ logger: quietLogger });
    cleanups.push(() => world.stop());
    const [program, script] = command(dockerfile.final) ?? [];
    expect(program).toBe('node');
    const port = await freePort();
    const emptyCache = await mkdtemp(path.join(tmpdir(), 'deployer-image-empty-cache-'));
    cleanups.push(() => rm(emptyCache, { recursive: true, force: true }));
    const deployer = startServiceProcess(
      {
        ...image.env,
        NODE_COMPILE_CACHE: emptyCache,
        ...world.env(),
        DEPLOYER_MODE: 'aws',
        CONFIG_PATH: 'config',
        GITHUB_WEBHOOK_SECRET: 'image-test-webhook-secret-0123456789',
        STATUS_TOKEN: 'image-test-status-token-0123456789',
        HOST: '127.0.0.1',
        PORT: String(port),
        LOG_LEVEL: 'warn',
      },
      { cwd: dir, script },
    );
    cleanups.push(async () => {
      deployer.child.kill('SIGTERM');
      await deployer.exited;
    });
    const base = `http://127.0.0.1:${port}`;
    try {
      await eventually(
        async () => ((await fetch(`${base}${DEPLOYER_HEALTH_PATH}`)).ok ? true : undefined),
        COLD_START_LIMIT_MS,
      );
      await eventually(
        async () => ((await fetch(`${base}${DEPLOYER_READY_PATH}`)).ok ? true : undefined),
        COLD_START_LIMIT_MS,
      );
    } catch (error) {
      throw new Error(`deployer did not become ready: ${String(error)}\n${deployer.output()}`);
    }
    // Hundreds of modules (the deployer's and its packages'), each with its code and, for .ts files,
    // its type-stripped source.
    await expect.poll(() => cacheEntries(emptyCache), { timeout: 15_000 }).toBeGreaterThan(200);
    expect(deployer.child.exitCode).toBeNull();
    deployer.child.kill('SIGTERM');
    expect((await deployer.exited).code).toBe(0);
  }, 150_000);
});
