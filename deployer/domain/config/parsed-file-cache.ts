// What a reload of the config can skip: a service file whose text (and the `${stack:Name}` values it was
// resolved with) was seen in one of the last two parses and passed every per-file check keeps its
// resolved data here, so the same text is not parsed, resolved and validated again. YAML parsing is
// most of the cost of a config load (~1 ms a file), and every load of an unchanged file repeats it: the
// deployer's intake and the served-URL watcher both parse each revision, and a periodic resync reloads
// the same files. Files with errors are never kept: their positions come from a fresh parse.
// An entry is found by a SHA-256 of the text and the stack values, never by the text itself: a key
// holding the text (and the stack values' JSON) cost each service its file again, ~0.3-0.5 KB, kept
// for as long as the deployer runs (10,000 services: issue 17's memory goal).
import { createHash } from 'node:crypto';
import type { StackValues } from './stack-values.ts';

interface Entry {
  /** The resolved data, as the checks passed it; read only (each load builds its own ServiceConfig). */
  data: unknown;
  /** The parse generation that last used this entry. */
  used: number;
}

export class ParsedFileCache {
  readonly #entries = new Map<string, Entry>();
  #generation = 0;
  #stackKey = '';
  /** Files looked up and found, and parsed for want of an entry, since this cache was made (tests). */
  hits = 0;
  misses = 0;

  /** Starts a parse of one revision with these stack values (undefined: placeholders left unresolved). */
  begin(stackValues: StackValues | undefined): void {
    this.#generation += 1;
    // The text decides the data; the stack values decide how its placeholders resolved.
    this.#stackKey = stackValues === undefined ? '-' : JSON.stringify(stackValues);
  }

  /** Drops what neither this parse nor the previous one used (a removed file, an edited text). */
  end(): void {
    for (const [key, entry] of this.#entries)
      if (entry.used < this.#generation - 1) this.#entries.delete(key);
  }

  get(text: string): unknown {
    const entry = this.#entries.get(this.#key(text));
    if (!entry) {
      this.misses += 1;
      return undefined;
    }
    this.hits += 1;
    entry.used = this.#generation;
    return entry.data;
  }

  set(text: string, data: unknown): void {
    this.#entries.set(this.#key(text), { data, used: this.#generation });
  }

  /** What the entries are found by: digests, not the texts they stand for. */
  keys(): string[] {
    return [...this.#entries.keys()];
  }

  /** The text and the stack values it resolves with, as a 44-character SHA-256 (base64). */
  #key(text: string): string {
    return createHash('sha256').update(this.#stackKey).update('\0').update(text).digest('base64');
  }

  get size(): number {
    return this.#entries.size;
  }
}
