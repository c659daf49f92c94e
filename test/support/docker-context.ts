// Lays out a directory the way a Dockerfile's final stage would see its WORKDIR: every COPY from
// the build context (honouring .dockerignore), with COPY --from a stage left to the caller (the
// tests symlink node_modules). Enough of Docker's semantics for our two Dockerfiles.
import { cp, mkdir, readdir, readFile, stat, symlink } from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';
import { type CopySpec, copies, type Dockerfile } from './dockerfile.ts';

export interface DockerIgnore {
  ignores(relativePath: string): boolean;
}

/** .dockerignore semantics: a path is out when it, or a directory above it, matches; `!` re-includes. */
export function parseDockerIgnore(text: string): DockerIgnore {
  const rules = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const negated = line.startsWith('!');
      const pattern = path.posix.normalize((negated ? line.slice(1) : line).replace(/^\/+/, ''));
      return { negated, match: picomatch(pattern, { dot: true }) };
    });
  return {
    ignores(relativePath) {
      const parts = relativePath.split('/');
      const candidates = parts.map((_part, index) => parts.slice(0, index + 1).join('/'));
      let ignored = false;
      for (const rule of rules) {
        if (candidates.some((candidate) => rule.match(candidate))) ignored = !rule.negated;
      }
      return ignored;
    },
  };
}

export async function readDockerIgnore(contextDir: string): Promise<DockerIgnore> {
  try {
    return parseDockerIgnore(await readFile(path.join(contextDir, '.dockerignore'), 'utf8'));
  } catch {
    return parseDockerIgnore('');
  }
}

async function filesUnder(root: string, relative: string): Promise<string[]> {
  const entries = await readdir(path.join(root, relative), { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    const child = relative === '' ? entry.name : `${relative}/${entry.name}`;
    if (entry.isDirectory()) files.push(...(await filesUnder(root, child)));
    else files.push(child);
  }
  return files;
}

/** Context-relative files one COPY brings in, each with its path relative to the WORKDIR. */
export async function filesCopiedBy(
  spec: CopySpec,
  contextDir: string,
  ignore: DockerIgnore,
): Promise<Array<{ source: string; target: string }>> {
  const result: Array<{ source: string; target: string }> = [];
  const destination = path.posix.normalize(spec.destination);
  const intoDirectory = spec.destination.endsWith('/') || spec.sources.length > 1;
  for (const source of spec.sources) {
    const relative = path.posix.normalize(source).replace(/^\.\/?/, '');
    if (ignore.ignores(relative))
      throw new Error(`COPY ${source} (line ${spec.line}) is excluded by .dockerignore`);
    const info = await stat(path.join(contextDir, relative));
    if (info.isDirectory()) {
      for (const file of await filesUnder(contextDir, relative)) {
        if (ignore.ignores(file)) continue;
        result.push({
          source: file,
          target: path.posix.join(destination, path.posix.relative(relative, file)),
        });
      }
    } else {
      result.push({
        source: relative,
        target: intoDirectory ? path.posix.join(destination, path.posix.basename(relative)) : destination,
      });
    }
  }
  return result;
}

/**
 * Copies what the final stage takes from the build context into `targetDir` (standing for its
 * WORKDIR; destinations must be relative). Returns the COPY --from instructions for the caller.
 */
export async function layoutFinalStage(
  dockerfile: Dockerfile,
  contextDir: string,
  targetDir: string,
): Promise<{ files: string[]; fromStages: CopySpec[] }> {
  const ignore = await readDockerIgnore(contextDir);
  const files: string[] = [];
  const fromStages: CopySpec[] = [];
  for (const spec of copies(dockerfile.final)) {
    if (spec.from !== undefined) {
      fromStages.push(spec);
      continue;
    }
    if (path.posix.isAbsolute(spec.destination)) {
      throw new Error(
        `COPY on line ${spec.line} uses an absolute destination; layoutFinalStage expects WORKDIR-relative`,
      );
    }
    for (const { source, target } of await filesCopiedBy(spec, contextDir, ignore)) {
      await mkdir(path.dirname(path.join(targetDir, target)), { recursive: true });
      await cp(path.join(contextDir, source), path.join(targetDir, target));
      files.push(target);
    }
  }
  return { files, fromStages };
}

interface LockfilePackage {
  dev?: boolean;
  optional?: boolean;
}

/**
 * What `npm ci --omit=dev` would install, without the network: a node_modules in `targetDir` that
 * links only the top-level packages package-lock.json does not mark `dev`. Code laid out in
 * `targetDir` then fails to import a devDependency exactly as it would in the image.
 */
export async function linkProductionModules(repoRoot: string, targetDir: string): Promise<string[]> {
  const lock = JSON.parse(await readFile(path.join(repoRoot, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockfilePackage>;
  };
  const linked: string[] = [];
  for (const [key, entry] of Object.entries(lock.packages)) {
    // Top-level packages only; nested node_modules come along inside their parent's directory.
    if (!key.startsWith('node_modules/') || key.slice('node_modules/'.length).includes('node_modules/'))
      continue;
    if (entry.dev) continue;
    const source = path.join(repoRoot, key);
    try {
      await stat(source);
    } catch {
      if (entry.optional) continue; // an optional package for another platform
      throw new Error(`${key} is a production dependency in package-lock.json but is not installed`);
    }
    await mkdir(path.dirname(path.join(targetDir, key)), { recursive: true });
    await symlink(source, path.join(targetDir, key), 'dir');
    linked.push(key.slice('node_modules/'.length));
  }
  return linked.sort();
}
