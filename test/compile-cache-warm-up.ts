// Fills the test run's compile cache (NODE_COMPILE_CACHE, vitest.config.ts) before the integration
// and e2e layers start processes: test/global-setup.ts runs this once, in the background, while the
// unit layer runs. In a fresh clone the cache is empty, and Node writes a process's entries only when
// it exits or flushes (the deployer flushes once it listens; a task killed with SIGKILL never writes),
// so every deployer, CLI, actors service and local world started before the first of its kind had
// written compiled (and type-stripped) everything itself: ~0.8 CPU-s more per deployer start, for each
// one the first files started at once. Importing a module compiles it and its imports without running
// a program (the entry points below either run nothing when imported or are left out), the same way
// the deployer's image build does (deployer/startup/warm-compile-cache.ts).
// https://nodejs.org/api/module.html#module-compile-cache
import { flushCompileCache, getCompileCacheDir } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { importClosure } from './support/import-closure.ts';

const ROOT = path.resolve(import.meta.dirname, '..');

/**
 * The programs the tests start as processes, and whether importing the entry module itself is safe
 * (it runs only as `node <file>`: `if (import.meta.main)`); the others start as soon as they are
 * imported, so only what they import is compiled ahead.
 */
export const SPAWNED_PROGRAMS: ReadonlyArray<{ entry: string; importable: boolean }> = [
  { entry: 'deployer/main.ts', importable: true },
  { entry: 'deployer/cli/main.ts', importable: true },
  { entry: 'service/main.ts', importable: false },
  { entry: 'local/main.ts', importable: false },
  { entry: 'local/push.ts', importable: false },
];

/** Absolute paths of the modules to import: every program's import closure, dynamic imports included. */
export async function modulesToWarm(): Promise<string[]> {
  const files = new Set<string>();
  for (const { entry, importable } of SPAWNED_PROGRAMS) {
    const entryFile = path.join(ROOT, entry);
    for (const file of (await importClosure(entryFile)).files)
      if (/\.(ts|js|mjs)$/.test(file) && (file !== entryFile || importable)) files.add(file);
  }
  return [...files].sort();
}

if (import.meta.main) {
  if (getCompileCacheDir() === undefined) {
    process.stderr.write('compile-cache-warm-up: set NODE_COMPILE_CACHE\n');
    process.exit(1);
  }
  let failed = 0;
  for (const file of await modulesToWarm()) {
    // A module that cannot load here fails the same way in the process that needs it: not this script's concern.
    await import(pathToFileURL(file).href).catch(() => failed++);
  }
  flushCompileCache();
  if (failed > 0) process.stderr.write(`compile-cache-warm-up: ${failed} modules did not load\n`);
  // Modules may hold handles open (a timer, a pool): the work is done.
  process.exit(0);
}
