// In-memory ConfigSource: the config/services files of a git repository the test commits to. A read
// without a revision sees the branch head; a read at a sha sees that commit, or fails like git would.
import { DeployerError } from '../../../deployer/domain/errors.ts';
import type { ConfigFile } from '../../../deployer/domain/types.ts';
import type { ConfigSnapshot, ConfigSource } from '../../../deployer/ports.ts';
import { CallCounter } from './call-counter.ts';

export interface FakeConfigSourceOptions {
  files?: ConfigFile[];
  revision?: string;
  counter?: CallCounter;
}

export class FakeConfigSource implements ConfigSource {
  files: ConfigFile[];
  revision: string;
  /** Commits by sha, for reads at a revision (git pushes). */
  readonly commits = new Map<string, ConfigFile[]>();
  readonly counter: CallCounter;
  /** When set, every read fails with it (git unreachable). */
  fail: Error | undefined;

  constructor(options: FakeConfigSourceOptions = {}) {
    this.counter = options.counter ?? new CallCounter();
    this.files = options.files ?? [];
    this.revision = options.revision ?? 'c0ffee0000000000000000000000000000000001';
    this.commits.set(this.revision, this.files);
  }

  /** Reads so far. */
  get reads(): number {
    return this.counter.count('git:Read');
  }

  commit(revision: string, files: ConfigFile[]): void {
    this.revision = revision;
    this.files = files;
    this.commits.set(revision, files);
  }

  async read(revision: string | undefined, _signal?: AbortSignal): Promise<ConfigSnapshot> {
    this.counter.record('git:Read');
    if (this.fail) throw this.fail;
    if (revision === undefined) return { revision: this.revision, files: structuredClone(this.files) };
    const files = this.commits.get(revision);
    // As GitConfigSource: an unknown commit is terminal (a push names a commit that never existed).
    if (!files)
      throw new DeployerError('GIT_FAILED', `unknown revision ${revision} in the fake repository`, {
        details: { revision },
      });
    return { revision, files: structuredClone(files) };
  }
}
