// Dockerfile.deployer fills Node's compile cache at build (NODE_COMPILE_CACHE, then a RUN of
// deployer/startup/warm-compile-cache.ts). Whoever runs the image's CMD outside Docker (the image
// test, bench:scale) does the same: the build's `node …` RUN into a temporary directory standing in
// for the image's, with the image's NODE_OPTIONS, so the process measured starts as the image does.
import { spawnSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { environment, runCommands, type Stage } from './dockerfile.ts';

export interface WarmedImageEnv {
  /** The stage's ENV with NODE_COMPILE_CACHE moved to the filled directory. */
  env: Record<string, string>;
  /** The filled directory (undefined: the image sets no NODE_COMPILE_CACHE). */
  cacheDir: string | undefined;
}

/** Runs the stage's warm step from `appDir` (the image's WORKDIR stand-in) into a fresh directory. */
export async function warmCompileCacheAsBuilt(stage: Stage, appDir: string): Promise<WarmedImageEnv> {
  const env = environment(stage);
  if (env.NODE_COMPILE_CACHE === undefined) return { env, cacheDir: undefined };
  const warm = runCommands(stage).find((run) => run.includes('warm-compile-cache'));
  if (!warm) throw new Error('the image sets NODE_COMPILE_CACHE but has no RUN of warm-compile-cache.ts');
  const [program, ...args] = warm.trim().split(/\s+/);
  if (program !== 'node') throw new Error(`the warm step runs '${program}', expected node: ${warm}`);
  const cacheDir = await mkdtemp(path.join(tmpdir(), 'deployer-compile-cache-'));
  const run = spawnSync(process.execPath, args, {
    cwd: appDir,
    env: {
      PATH: process.env.PATH ?? '',
      ...(env.NODE_OPTIONS ? { NODE_OPTIONS: env.NODE_OPTIONS } : {}),
      NODE_COMPILE_CACHE: cacheDir,
    },
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`${warm} failed (${run.status}):\n${run.stdout}${run.stderr}`);
  return { env: { ...env, NODE_COMPILE_CACHE: cacheDir }, cacheDir };
}
