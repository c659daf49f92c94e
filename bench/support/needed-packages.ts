// Which installed top-level packages an entry module really needs at run time: the packages its
// import closure names (test/support/import-closure.ts), plus their dependencies, transitively,
// as package-lock.json resolves them (nested copies live inside their parent's directory).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { importClosure } from '../../test/support/import-closure.ts';

interface LockPackage {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

export async function neededPackages(
  repoRoot: string,
  entry: string,
): Promise<{ direct: string[]; all: string[] }> {
  const closure = await importClosure(join(repoRoot, entry));
  const lock = JSON.parse(await readFile(join(repoRoot, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockPackage>;
  };
  const needed = new Set<string>();
  const visit = (name: string, from: string) => {
    // Node resolution: a copy nested under the requiring package wins over the hoisted one.
    const nested = `${from}/node_modules/${name}`;
    if (from !== '' && lock.packages[nested]) {
      walk(nested);
      return;
    }
    const hoisted = `node_modules/${name}`;
    if (!lock.packages[hoisted] || needed.has(name)) return;
    needed.add(name);
    walk(hoisted);
  };
  const walk = (key: string) => {
    const entry = lock.packages[key] ?? {};
    for (const dependency of Object.keys({
      ...entry.dependencies,
      ...entry.optionalDependencies,
      ...entry.peerDependencies,
    }))
      visit(dependency, key);
  };
  for (const name of closure.packages) visit(name, '');
  return { direct: [...closure.packages].sort(), all: [...needed].sort() };
}
