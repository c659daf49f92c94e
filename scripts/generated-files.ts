// What `npm run validators` writes, whichever generator made it: a module and its `.d.ts` beside it.
// One place compares them with the files on disk (the `--check` CI and the staleness tests use) and
// writes them, for the validators and the serializers alike.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');

export interface GeneratedModule {
  /** The module, relative to the repository root; its `.d.ts` goes beside it. */
  file: string;
  js: string;
  dts: string;
}

function outputs(module: GeneratedModule): [string, string][] {
  return [
    [module.file, module.js],
    [module.file.replace(/\.js$/, '.d.ts'), module.dts],
  ];
}

/** The files (relative paths) whose text differs from what the generators produce now. */
export async function staleFiles(modules: readonly GeneratedModule[]): Promise<string[]> {
  const stale: string[] = [];
  for (const [file, text] of modules.flatMap(outputs)) {
    const current = await readFile(path.join(ROOT, file), 'utf8').catch(() => undefined);
    if (current !== text) stale.push(file);
  }
  return stale;
}

/** Writes every module and its `.d.ts`, saying which. */
export async function writeModules(modules: readonly GeneratedModule[]): Promise<void> {
  for (const module of modules) {
    await mkdir(path.dirname(path.join(ROOT, module.file)), { recursive: true });
    for (const [file, text] of outputs(module)) await writeFile(path.join(ROOT, file), text);
    process.stdout.write(`wrote ${module.file}\n`);
  }
}
