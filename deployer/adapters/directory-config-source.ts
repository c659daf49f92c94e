// ConfigSource over a plain directory (local runs): the same `config/services/*.yaml` layout as the
// git source, with a content hash as the revision so an unchanged directory reads as unchanged.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { DeployerError } from '../domain/errors.ts';
import type { ConfigFile } from '../domain/types.ts';
import type { ConfigSnapshot, ConfigSource } from '../ports.ts';

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
    const files: ConfigFile[] = [];
    for (const name of names.filter((n) => /\.ya?ml$/i.test(n)).sort()) {
      signal.throwIfAborted();
      const text = await readFile(path.join(dir, name), { encoding: 'utf8', signal });
      files.push({ path: `${this.#configPath}/${name}`, text });
    }
    const hash = createHash('sha256');
    for (const file of files) hash.update(file.path).update('\0').update(file.text).update('\0');
    return { revision: `sha256:${hash.digest('hex')}`, files };
  }
}
