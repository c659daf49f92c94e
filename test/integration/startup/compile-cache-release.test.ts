// Node holds every compile-cache entry it read or made until the cache is flushed (src/compile_cache.cc:
// Persist writes the entries that changed, then clears them all); Dockerfile.deployer's filled cache
// made that ~7 MiB of malloc held for the deployer's whole life. The deployer flushes once it has
// started (deployer/main.ts). Seen from outside: started on an empty cache, it has written its
// compiled modules into it while it still runs (without the flush Node writes them only at exit).
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_PORT_VARIABLES } from '../../../local/world.ts';
import { type DeployerProcess, spawnDeployer } from '../../support/deployer-process.ts';
import { actorsYaml } from '../../support/local-actors.ts';

/** Any free port for every stand-in of the local world. */
const LOCAL_PORTS = Object.fromEntries(Object.values(LOCAL_PORT_VARIABLES).map((name) => [name, '0']));

/** Cache entries on disk (Node keeps them in one directory per Node version, V8 flags and user). */
async function cacheEntries(cacheDir: string): Promise<number> {
  let count = 0;
  for (const dir of await readdir(cacheDir)) count += (await readdir(path.join(cacheDir, dir))).length;
  return count;
}

describe('a started deployer releases the compile cache it holds', () => {
  let dir: string;
  let cacheDir: string;
  let deployer: DeployerProcess;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ecs-gitops-cache-release-'));
    cacheDir = await mkdtemp(path.join(tmpdir(), 'ecs-gitops-cache-release-cache-'));
    await mkdir(path.join(dir, 'services'));
    await writeFile(path.join(dir, 'services', 'actors.yaml'), actorsYaml({ semver: '^1.0.0' }));
    deployer = await spawnDeployer({
      env: { ...LOCAL_PORTS, CONFIG_PATH: dir, LOCAL_USE_ECHO_TASK: '1', NODE_COMPILE_CACHE: cacheDir },
    });
  });
  afterAll(async () => {
    await deployer?.shutdown();
    await rm(dir, { recursive: true, force: true });
    await rm(cacheDir, { recursive: true, force: true });
  });

  it('flushes the cache once it has started (before its banner), while it keeps running', async () => {
    // The banner is the last thing a start does in local mode.
    await expect
      .poll(() => deployer.output(), { timeout: 60_000 })
      .toContain('ecs-gitops deployer is up (local mode)');
    // Hundreds of modules (the deployer's, its packages', the local world's), each with its code and,
    // for .ts files, its type-stripped source.
    expect(await cacheEntries(cacheDir)).toBeGreaterThan(200);
    expect(deployer.child.exitCode).toBeNull();
  });
});
