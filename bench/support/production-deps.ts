// Installs exactly what the Dockerfiles' `npm ci --omit=dev` installs, offline from the npm cache
// populated by the project's own `npm ci`, into a throwaway directory, and measures it.
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type TreeSize, treeSize } from './dir-size.ts';

const run = promisify(execFile);

export interface PackageSize extends TreeSize {
  name: string;
}

export interface ProductionDeps {
  total: TreeSize;
  packages: PackageSize[];
  installMs: number;
}

async function topLevelPackages(nodeModules: string): Promise<string[]> {
  const names: string[] = [];
  for (const entry of await readdir(nodeModules)) {
    if (entry.startsWith('.')) continue;
    if (entry.startsWith('@')) {
      for (const scoped of await readdir(join(nodeModules, entry))) names.push(`${entry}/${scoped}`);
    } else names.push(entry);
  }
  return names;
}

/** Installs the production dependencies into a temp dir, measures them, removes the dir. */
export async function measureProductionDeps(repoRoot: string): Promise<ProductionDeps> {
  const dir = await mkdtemp(join(tmpdir(), 'ecs-gitops-footprint-'));
  try {
    await copyFile(join(repoRoot, 'package.json'), join(dir, 'package.json'));
    await copyFile(join(repoRoot, 'package-lock.json'), join(dir, 'package-lock.json'));
    const started = performance.now();
    try {
      await run(
        'npm',
        ['ci', '--omit=dev', '--offline', '--ignore-scripts', '--no-audit', '--no-fund', '--prefix', dir],
        { cwd: dir, maxBuffer: 16 * 1024 * 1024 },
      );
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr ?? '';
      throw new Error(
        `npm ci --omit=dev --offline failed; run \`npm ci\` once online to fill the npm cache.\n${stderr.slice(-2000)}`,
        { cause: error },
      );
    }
    const installMs = performance.now() - started;
    const nodeModules = join(dir, 'node_modules');
    const packages: PackageSize[] = [];
    for (const name of await topLevelPackages(nodeModules))
      packages.push({ name, ...(await treeSize(join(nodeModules, name))) });
    packages.sort((a, b) => b.bytes - a.bytes);
    return { total: await treeSize(nodeModules), packages, installMs };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
