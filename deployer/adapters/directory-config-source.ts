// ConfigSource over a plain directory (local runs): the same `config/services/*.yaml` layout as the
// git source, with a content hash as the revision so an unchanged directory reads as unchanged.
import { createHash } from 'node:crypto';
import { readFileSync, type Stats, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { DeployerError } from '../domain/errors.ts';
import type { ConfigError, ConfigFile } from '../domain/types.ts';
import type { ConfigSnapshot, ConfigSource } from '../ports.ts';
import { checkConfigSizes, MAX_CONFIG_FILE_BYTES } from './config-limits.ts';

/**
 * Files stat-ed or read in one go before the event loop gets a turn. An asynchronous read of a small file
 * is four thread-pool round trips and their promises (~0.25 ms of CPU); a synchronous one ~0.02 ms.
 * Thousands of service files are read at start, on every change and by the directory watcher's poll,
 * so they are read synchronously, 100 at a time (a few milliseconds), yielding in between.
 */
const FILES_PER_TURN = 100;

export interface DirectoryConfigSourceOptions {
  /** Repository-like root that contains `configPath`. */
  root: string;
  configPath?: string;
}

export class DirectoryConfigSource implements ConfigSource {
  readonly #root: string;
  readonly #configPath: string;

  constructor(options: DirectoryConfigSourceOptions) {
    this.#root = options.root;
    this.#configPath = (options.configPath ?? 'config/services').replace(/^\/+|\/+$/g, '');
  }

  async read(revision: string | undefined, signal: AbortSignal): Promise<ConfigSnapshot> {
    const snapshot = await this.#snapshot(signal);
    // A directory has no history: only "now" (or the hash of now) can be read.
    if (revision !== undefined && revision !== snapshot.revision) {
      throw new DeployerError('GIT_FAILED', `directory ${this.#root} is not at revision ${revision}`, {
        details: { revision, current: snapshot.revision },
      });
    }
    return snapshot;
  }

  async #snapshot(signal: AbortSignal): Promise<ConfigSnapshot> {
    const dir = path.join(this.#root, this.#configPath);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (error) {
      if ((error as { code?: unknown }).code === 'ENOENT') names = [];
      else throw new DeployerError('GIT_UNAVAILABLE', `cannot read ${dir}`, { cause: error });
    }
    // Sizes first: a file over the limits (or not a regular file: a symlink to /dev/zero never ends)
    // is refused before it is read.
    const entries: { path: string; name: string; bytes: number }[] = [];
    const problems: ConfigError[] = [];
    const yaml = names.filter((n) => /\.ya?ml$/i.test(n)).sort();
    for (const [index, name] of yaml.entries()) {
      if (index % FILES_PER_TURN === 0) await turn(signal);
      const info = statOrMissing(path.join(dir, name));
      if (!info) continue; // deleted between readdir and stat (an editor's save)
      const filePath = `${this.#configPath}/${name}`;
      if (!info.isFile())
        problems.push({
          file: filePath,
          line: 1,
          column: 1,
          field: '',
          message: 'not a regular file; it was not read',
        });
      else entries.push({ path: filePath, name, bytes: info.size });
    }
    const sizes = checkConfigSizes(entries);
    problems.push(...sizes.problems);
    const files: ConfigFile[] = [];
    for (const [index, entry] of entries.entries()) {
      if (index % FILES_PER_TURN === 0) await turn(signal);
      if (!sizes.readable.has(entry.path)) continue;
      const bytes = readOrMissing(path.join(dir, entry.name));
      if (!bytes) continue;
      // It may have grown since stat: the limit holds for what was read.
      if (bytes.byteLength > MAX_CONFIG_FILE_BYTES) {
        problems.push(...checkConfigSizes([{ path: entry.path, bytes: bytes.byteLength }]).problems);
        continue;
      }
      files.push({ path: entry.path, text: bytes.toString('utf8') });
    }
    const hash = createHash('sha256');
    for (const file of files) hash.update(file.path).update('\0').update(file.text).update('\0');
    // A refused file still moves the revision when it changes (a fix of its size is a new revision).
    for (const problem of problems)
      hash.update(problem.file).update('\0').update(problem.message).update('\0');
    const revision = `sha256:${hash.digest('hex')}`;
    return problems.length > 0 ? { revision, files, problems } : { revision, files };
  }
}

/** Lets the event loop run (HTTP, the queue) between batches of synchronous reads. */
async function turn(signal: AbortSignal): Promise<void> {
  signal.throwIfAborted();
  await nextTurn();
  signal.throwIfAborted();
}

function statOrMissing(file: string): Stats | undefined {
  try {
    return statSync(file);
  } catch (error) {
    return missingAsUndefined(error);
  }
}

function readOrMissing(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch (error) {
    return missingAsUndefined(error);
  }
}

function missingAsUndefined(error: unknown): undefined {
  if ((error as { code?: unknown }).code === 'ENOENT') return undefined;
  throw error;
}
