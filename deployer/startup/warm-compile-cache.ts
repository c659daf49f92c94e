// Run once when the image is built (Dockerfile.deployer), as the user and with the NODE_OPTIONS the
// deployer runs with: loads every module of the deployer without starting it (deployer/main.ts runs
// only as the entry point), so Node writes their compiled code, and for each .ts file its type-stripped
// source, into the compile cache NODE_COMPILE_CACHE names. A deployer started from the image then
// strips no types (Node's TypeScript stripper, ~20 MiB resident, is never loaded) and compiles nothing
// from scratch: less CPU before it listens and less memory for as long as it runs. The cache is
// Node's own, checked against each file's content (a changed file is compiled as usual):
// https://nodejs.org/api/module.html#module-compile-cache
// The cache directory is per Node version, V8 flags and user id, hence "as the user, with the flags".
import { readdir } from 'node:fs/promises';
import { flushCompileCache, getCompileCacheDir } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = path.resolve(import.meta.dirname, '../..');
/** What the image ships of the program; tests and the local world are not in it. */
const SHIPPED = ['deployer', 'common'];

async function modules(): Promise<string[]> {
  const found: string[] = [];
  for (const dir of SHIPPED) {
    const names = await readdir(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' });
    for (const name of names)
      if (name.endsWith('.ts') && !name.endsWith('.d.ts') && !name.endsWith('.test.ts'))
        found.push(path.join(ROOT, dir, name));
  }
  // Not this file: importing it from itself would wait for itself.
  return found.filter((file) => file !== import.meta.filename).sort();
}

const cacheDir = getCompileCacheDir();
if (cacheDir === undefined) {
  process.stderr.write('warm-compile-cache: set NODE_COMPILE_CACHE to the directory to fill\n');
  process.exit(1);
}
const files = await modules();
const failed: string[] = [];
for (const file of files) {
  try {
    await import(pathToFileURL(file).href);
  } catch (error) {
    // Local mode's stand-ins (local/) are not in the image: their importers stay uncompiled, as unused.
    failed.push(
      `${path.relative(ROOT, file)}: ${error instanceof Error ? error.message.split('\n')[0] : error}`,
    );
  }
}
flushCompileCache();
process.stdout.write(
  `warm-compile-cache: ${files.length - failed.length} of ${files.length} modules compiled into ${cacheDir}\n`,
);
for (const failure of failed) process.stdout.write(`  not loaded: ${failure}\n`);
// Modules may hold handles open (a timer, a pool): the work is done.
process.exit(0);
