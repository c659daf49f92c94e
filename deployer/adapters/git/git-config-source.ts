// ConfigSource over a git repository (URL or local path). Keeps a bare mirror in a cache directory:
// cloned once, fetched on demand, and read with one `git cat-file --batch-command` a read
// (cat-file-batch.ts), so no work tree is ever checked out.
import { createHash } from 'node:crypto';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { DeployerError } from '../../domain/errors.ts';
import type { ConfigFile } from '../../domain/types.ts';
import type { ConfigSnapshot, ConfigSource } from '../../ports.ts';
import { checkConfigSizes } from '../config-limits.ts';
import { CatFileBatch, treeEntries } from './cat-file-batch.ts';
import { redactUrl, runGit } from './run-git.ts';

export interface GitConfigSourceOptions {
  /** Clone URL (https, ssh, file://) or a local repository path. */
  repository: string;
  /** Tracked branch; `read(undefined)` reads its head. */
  branch: string;
  /** Directory that holds the bare mirrors (one per repository). */
  cacheDir: string;
  /** Directory inside the repository that holds the service configs. */
  configPath?: string;
  /** Limit for network operations (clone, fetch). */
  networkTimeoutMs?: number;
  /** Limit for local reads. */
  readTimeoutMs?: number;
}

const DEFAULT_CONFIG_PATH = 'config/services';
// A revision we accept: a sha, a branch or tag name. Never a leading dash (no option injection).
const SAFE_REVISION = /^[A-Za-z0-9_][A-Za-z0-9._/-]{0,254}$/;

export class GitConfigSource implements ConfigSource {
  readonly #repository: string;
  readonly #branch: string;
  readonly #mirror: string;
  readonly #configPath: string;
  readonly #networkTimeoutMs: number;
  readonly #readTimeoutMs: number;
  /** Serialises clone/fetch/read on the one mirror. */
  #queue: Promise<unknown> = Promise.resolve();
  /**
   * The files of the commit read last. A commit's tree never changes, so a read that resolves to the
   * same commit (the startup resync right after the first load, a periodic resync, a push already
   * read) asks git for nothing more than the commit the name resolves to.
   */
  #last: ConfigSnapshot | undefined;

  constructor(options: GitConfigSourceOptions) {
    if (!SAFE_REVISION.test(options.branch))
      throw new Error(`invalid branch name ${JSON.stringify(options.branch)}`);
    this.#repository = options.repository;
    this.#branch = options.branch;
    this.#configPath = (options.configPath ?? DEFAULT_CONFIG_PATH).replace(/^\/+|\/+$/g, '');
    const key = createHash('sha256').update(options.repository).digest('hex').slice(0, 16);
    this.#mirror = path.join(options.cacheDir, `${key}.git`);
    this.#networkTimeoutMs = options.networkTimeoutMs ?? 60_000;
    this.#readTimeoutMs = options.readTimeoutMs ?? 15_000;
  }

  read(revision: string | undefined, signal: AbortSignal): Promise<ConfigSnapshot> {
    const run = this.#queue.then(() => this.#read(revision, signal));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #read(revision: string | undefined, signal: AbortSignal): Promise<ConfigSnapshot> {
    const fetched = await this.#ensureMirror(signal);
    if (revision === undefined) {
      if (!fetched) await this.#fetch(signal);
    } else if (!SAFE_REVISION.test(revision)) {
      throw new DeployerError('GIT_FAILED', `invalid revision ${JSON.stringify(revision)}`, {
        details: { revision },
      });
    }
    const name = revision ?? `refs/heads/${this.#branch}`;
    let snapshot = await this.#snapshot(name, signal);
    // A commit pushed after our last fetch: fetch once, then it must exist.
    if (!snapshot && revision !== undefined && !fetched) {
      await this.#fetch(signal);
      snapshot = await this.#snapshot(name, signal);
    }
    if (snapshot) return snapshot;
    throw revision === undefined
      ? new DeployerError(
          'GIT_FAILED',
          `branch ${this.#branch} not found in ${redactUrl(this.#repository)}`,
          {
            details: { branch: this.#branch },
          },
        )
      : new DeployerError('GIT_FAILED', `unknown revision ${revision} in ${redactUrl(this.#repository)}`, {
          details: { revision },
        });
  }

  /** The files of the commit `name` resolves to (undefined: it resolves to none), from one cat-file process. */
  async #snapshot(name: string, signal: AbortSignal): Promise<ConfigSnapshot | undefined> {
    const batch = new CatFileBatch(this.#mirror, { timeoutMs: this.#readTimeoutMs, signal });
    try {
      const commit = await batch.info(`${name}^{commit}`);
      if (!commit) return undefined;
      if (this.#last?.revision === commit.oid) return this.#last;
      this.#last = { revision: commit.oid, ...(await this.#readFiles(batch, commit.oid)) };
      return this.#last;
    } finally {
      batch.close();
    }
  }

  /** Clones the mirror when missing; returns true when it did (so the refs are fresh). */
  async #ensureMirror(signal: AbortSignal): Promise<boolean> {
    if (await exists(path.join(this.#mirror, 'HEAD'))) return false;
    await mkdir(path.dirname(this.#mirror), { recursive: true });
    // Clone next to the target and rename, so a crash mid-clone never leaves a half mirror in place.
    const partial = `${this.#mirror}.partial-${process.pid}-${Date.now()}`;
    try {
      await runGit(['clone', '--mirror', '--quiet', '--', this.#repository, partial], {
        timeoutMs: this.#networkTimeoutMs,
        signal,
      });
      await rename(partial, this.#mirror);
    } finally {
      await rm(partial, { recursive: true, force: true });
    }
    return true;
  }

  async #fetch(signal: AbortSignal): Promise<void> {
    await runGit(['fetch', '--prune', '--quiet', 'origin'], {
      cwd: this.#mirror,
      timeoutMs: this.#networkTimeoutMs,
      signal,
    });
  }

  async #readFiles(batch: CatFileBatch, sha: string): Promise<Pick<ConfigSnapshot, 'files' | 'problems'>> {
    // The directory's entries and each file's size first, so a file over the limits is refused before a
    // byte of it is read. Only the directory's own files count, not its subdirectories' (as `ls-tree`).
    const dir = this.#configPath;
    const tree = await batch.contents(`${sha}:${dir}`);
    const blobs = new Map<string, { object: string; bytes: number }>();
    if (tree?.info.type === 'tree') {
      for (const entry of treeEntries(tree.data, sha.length / 2)) {
        const filePath = dir ? `${dir}/${entry.name}` : entry.name;
        if (entry.type !== 'blob' || !/\.ya?ml$/i.test(filePath)) continue;
        const info = await batch.info(entry.oid);
        if (info) blobs.set(filePath, { object: entry.oid, bytes: info.size });
      }
    }
    const { readable, problems } = checkConfigSizes([...blobs].map(([path, { bytes }]) => ({ path, bytes })));
    const files: ConfigFile[] = [];
    for (const [filePath, { object }] of blobs) {
      if (!readable.has(filePath)) continue;
      const blob = await batch.contents(object);
      if (!blob) throw new DeployerError('GIT_FAILED', `git object ${object} of ${filePath} is missing`);
      files.push({ path: filePath, text: blob.data.toString('utf8') });
    }
    files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return problems.length > 0 ? { files, problems } : { files };
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}
