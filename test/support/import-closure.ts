// The files and packages an entry module loads at run time, found by following its static and
// literal dynamic imports. Type-only imports are skipped (Node's type stripping erases them).
// Modules reached only through a dynamic import are "optional": the program loads them on some
// paths only (e.g. the deployer's local mode), so a Docker image may leave their imports out.
import { access, readFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import path from 'node:path';

export interface ImportClosure {
  /** Absolute paths of every local module reached (the entry included). */
  files: string[];
  /** Bare package names that statically reachable modules import (no node: builtins). */
  packages: string[];
  /** Bare package names imported only by optional modules. */
  optionalPackages: string[];
  /** Statically required imports whose target does not exist: `importer -> specifier`. */
  missing: string[];
  /** Missing imports of optional modules, as resolved absolute paths. */
  optionalMissing: string[];
}

const STATIC_IMPORT = /^\s*(?:import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm;
const DYNAMIC_IMPORT = /\bimport\(\s*['"]([^'"]+)['"]\s*[,)]/g;
const BUILTINS = new Set(builtinModules);

export function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

export function runtimeSpecifiers(source: string): Array<{ specifier: string; dynamic: boolean }> {
  const found: Array<{ specifier: string; dynamic: boolean }> = [];
  for (const match of source.matchAll(STATIC_IMPORT)) {
    if (match[1] === undefined && match[2]) found.push({ specifier: match[2], dynamic: false });
  }
  for (const match of source.matchAll(DYNAMIC_IMPORT)) {
    if (match[1]) found.push({ specifier: match[1], dynamic: true });
  }
  return found;
}

/** Whether a file is there, on disk: how a program's imports resolve when it runs. */
const onDisk = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

/** `exists` answers whether an import's target is there (a test may give the files it made up). */
export async function importClosure(
  entry: string,
  exists: (file: string) => Promise<boolean> = onDisk,
): Promise<ImportClosure> {
  // Required modules first: a module reached both ways counts as required.
  const required = new Set<string>();
  const optional = new Set<string>();
  const packages = new Set<string>();
  const optionalPackages = new Set<string>();
  const missing: string[] = [];
  const optionalMissing = new Set<string>();
  const queue: Array<{ file: string; isRequired: boolean }> = [
    { file: path.resolve(entry), isRequired: true },
  ];
  const deferred: Array<{ file: string; isRequired: boolean }> = [];
  while (queue.length > 0 || deferred.length > 0) {
    const next = (queue.length > 0 ? queue.shift() : deferred.shift()) as {
      file: string;
      isRequired: boolean;
    };
    const { file, isRequired } = next;
    if (required.has(file) || (!isRequired && optional.has(file))) continue;
    (isRequired ? required : optional).add(file);
    if (isRequired) optional.delete(file);
    if (!/\.(ts|js|mjs)$/.test(file)) continue;
    for (const { specifier, dynamic } of runtimeSpecifiers(await readFile(file, 'utf8'))) {
      const stillRequired = isRequired && !dynamic;
      if (specifier.startsWith('node:') || BUILTINS.has(specifier)) continue;
      if (!specifier.startsWith('.') && !specifier.startsWith('/')) {
        (stillRequired ? packages : optionalPackages).add(packageName(specifier));
        continue;
      }
      const target = path.resolve(path.dirname(file), specifier);
      if (await exists(target))
        (stillRequired ? queue : deferred).push({ file: target, isRequired: stillRequired });
      else if (stillRequired) missing.push(`${path.basename(file)} -> ${specifier}`);
      else optionalMissing.add(target);
    }
  }
  for (const name of packages) optionalPackages.delete(name);
  return {
    files: [...required, ...optional].sort(),
    packages: [...packages].sort(),
    optionalPackages: [...optionalPackages].sort(),
    missing,
    optionalMissing: [...optionalMissing].sort(),
  };
}
