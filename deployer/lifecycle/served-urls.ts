// Where each service is served, per config revision, for links in GitHub deployment statuses and
// notifications. Learnt by watching the config the runtime reads (a ConfigSource wrapper), so the
// runtime needs no new accessor: the URL is the origin of `verify.url` at the rollout's revision.
import { parseConfigFiles } from '../domain/config/parse-config-files.ts';
import type { StackValues } from '../domain/config/stack-values.ts';
import type { ConfigSource } from '../ports.ts';

/** Revisions remembered; older ones fall back to the newest known URL. */
const REVISIONS_KEPT = 50;

export class ServedUrls {
  readonly #byRevision = new Map<string, Map<string, string>>();
  #latest = new Map<string, string>();
  readonly #stackValues: StackValues;

  /** `stackValues` as the runtime resolves them, so the URLs learnt are the ones it verifies. */
  constructor(stackValues: StackValues = {}) {
    this.#stackValues = stackValues;
  }

  /** A ConfigSource that reads through `source` and remembers the served URLs of each valid revision. */
  watch(source: ConfigSource): ConfigSource {
    return {
      read: async (revision, signal) => {
        const snapshot = await source.read(revision, signal);
        this.learn(snapshot.revision, snapshot.files);
        return snapshot;
      },
    };
  }

  learn(revision: string, files: Parameters<typeof parseConfigFiles>[0]): void {
    if (this.#byRevision.has(revision)) return;
    const parsed = parseConfigFiles(files, revision, this.#stackValues);
    if (!parsed.ok) return;
    const urls = new Map<string, string>();
    for (const service of parsed.state.services) {
      const url = service.verify?.url;
      if (url) urls.set(service.name, servedOrigin(url));
    }
    this.#byRevision.set(revision, urls);
    this.#latest = urls;
    for (const oldest of this.#byRevision.keys()) {
      if (this.#byRevision.size <= REVISIONS_KEPT) break;
      this.#byRevision.delete(oldest);
    }
  }

  /** The service's URL at that revision, else the newest known one. */
  url(service: string, revision?: string): string | undefined {
    return (revision && this.#byRevision.get(revision)?.get(service)) || this.#latest.get(service);
  }
}

/** `https://d1.cloudfront.net/version` → `https://d1.cloudfront.net/`: the page users open. */
function servedOrigin(verifyUrl: string): string {
  try {
    return `${new URL(verifyUrl).origin}/`;
  } catch {
    return verifyUrl;
  }
}
