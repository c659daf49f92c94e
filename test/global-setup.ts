import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startMotoBroker } from './support/moto-broker.ts';

// Printed once per run so CI logs prove which Node the suite ran on (the machine ships Node 20;
// the project pins Node 24 through the `node` devDependency), and how many files of each layer ran
// at once with how busy other work kept the cores at the start (vitest.config.ts halves the counts
// when other work fills every core: a slow run says whether it was parallel, and why not).
// Serves the run's moto broker (test/support/moto-accounts.ts): one moto server for the whole run,
// started by the first file that asks for an account, so a run without moto tests starts none.
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  console.log(`tests running on Node ${process.version} (${process.execPath})`);
  const workers = project.vitest.projects.map((p) => `${p.name} ${p.config.maxWorkers}`).join(', ');
  const elsewhere = process.env.TEST_CORES_BUSY_ELSEWHERE;
  const why =
    elsewhere === undefined
      ? 'set by VITEST_MAX_WORKERS'
      : `other work kept ${elsewhere} of ${availableParallelism()} cores busy${
          process.env.TEST_PROCESS_FILES ? '; integration and e2e set by TEST_PROCESS_FILES' : ''
        }`;
  console.log(`files at a time: ${workers} (${why})`);
  const warmUp = startCompileCacheWarmUp(project.config.env?.NODE_COMPILE_CACHE);
  const broker = await startMotoBroker();
  project.vitest.getRootProject().provide('motoBroker', broker.url);
  return async () => {
    // A run shorter than the warm-up (a few unit files) does not wait for it.
    if (warmUp && warmUp.exitCode === null && warmUp.signalCode === null) warmUp.kill('SIGKILL');
    await broker.stop();
  };
}

/**
 * Compiles the modules of the programs tests spawn into an empty compile cache (a fresh clone's first
 * run, CI) while the unit layer runs: test/compile-cache-warm-up.ts says why. A cache that has entries
 * is left alone: the processes keep it current themselves, and the warm-up would cost ~2 CPU-s.
 */
function startCompileCacheWarmUp(cache: string | undefined): ChildProcess | undefined {
  if (!cache || hasEntries(cache)) return undefined;
  return spawn(process.execPath, [path.join(import.meta.dirname, 'compile-cache-warm-up.ts')], {
    env: { ...process.env, NODE_COMPILE_CACHE: cache },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

function hasEntries(dir: string): boolean {
  try {
    return readdirSync(dir).length > 0;
  } catch {
    return false;
  }
}
