// In-memory ConfigSource: files the benchmark generates, with a revision it controls.
import type { ConfigFile } from '../../deployer/domain/types.ts';
import type { ConfigSnapshot, ConfigSource } from '../../deployer/ports.ts';
import type { CallCounter } from './call-counter.ts';

export class FakeConfigSource implements ConfigSource {
  revision: string;
  files: ConfigFile[];
  readonly #counter: CallCounter;

  constructor(counter: CallCounter, files: ConfigFile[], revision = 'rev-1') {
    this.#counter = counter;
    this.files = files;
    this.revision = revision;
  }

  async read(_revision: string | undefined, _signal: AbortSignal): Promise<ConfigSnapshot> {
    this.#counter.record('git:Read');
    return { revision: this.revision, files: this.files.map((file) => ({ ...file })) };
  }
}
