// The images of each repository as the resync pass last read them (issue 17: ECR DescribeImages <= 0.05
// per service per pass, where reading every repository every pass costs one DescribeImages each).
// Kept fresh by the ECR push events the deployer already receives: an event about a repository makes
// the next pass read it again. A pass reads a cached repository again anyway every REREAD_EVERY_PASSES
// passes, spread over the passes (each repository on its own turn, by a hash of its name), so a push
// whose event was lost is still found: within REREAD_EVERY_PASSES passes (20 × the resync interval,
// 100 minutes at the default 5) instead of one. That is the trade-off: the event path (an ECR event →
// reconcile, which reads ECR itself) is untouched; only the safety net for lost events gets slower.
// A tag moved or an image deleted without an event can likewise show late; a reconcile queued on a
// stale view reads ECR fresh and decides on what ECR says, so staleness never deploys a wrong image.
import type { RegistryImage } from '../domain/types.ts';
import type { RegistryPort } from '../ports.ts';
import { repositoryPath } from './service-index.ts';

/** Passes between two reads of a repository's images that no event named (1: every pass). */
const REREAD_EVERY_PASSES = 20;

interface Entry {
  images: RegistryImage[];
  /** The pass that read it (a read in this pass is not repeated). */
  readAt: number;
}

export class RepositoryImages {
  static readonly REREAD_EVERY_PASSES = REREAD_EVERY_PASSES;
  readonly #registry: RegistryPort;
  readonly #every: number;
  /** By repository as configured (name or URI). */
  readonly #entries = new Map<string, Entry>();
  /**
   * Repository path (as ECR events name it) → the configured names cached under it: nearly always one
   * (a name or a URI), kept as the string itself, not a Set each (~150 bytes a repository).
   */
  readonly #byPath = new Map<string, string | string[]>();
  /** Per repository path, the count of changed() calls when it was last named (a read older is stale). */
  readonly #changedAt = new Map<string, number>();
  #changes = 0;
  #pass = 0;

  constructor(registry: RegistryPort, options: { rereadEveryPasses?: number } = {}) {
    this.#registry = registry;
    this.#every = Math.max(1, Math.floor(options.rereadEveryPasses ?? REREAD_EVERY_PASSES));
  }

  /** A resync pass begins: repositories whose turn it is are read again. */
  nextPass(): void {
    this.#pass += 1;
  }

  /** An ECR event named this repository (name or URI): the next pass reads it from ECR. */
  changed(repository: string): void {
    const path = repositoryPath(repository);
    const cached = this.#byPath.get(path) ?? [];
    for (const configured of typeof cached === 'string' ? [cached] : cached) this.#entries.delete(configured);
    this.#byPath.delete(path);
    this.#changes += 1;
    this.#changedAt.set(path, this.#changes);
  }

  /**
   * The repository's images: from ECR when unknown, named by an event, its turn, or `fresh` (a config
   * change touched it: the answer is kept for the next passes); else as last read.
   */
  async images(repository: string, signal: AbortSignal, fresh = false): Promise<RegistryImage[]> {
    const entry = this.#entries.get(repository);
    if (entry && !fresh && (entry.readAt === this.#pass || !this.#due(repository))) return entry.images;
    const asked = this.#changes;
    const images = await this.#registry.listImages(repository, signal);
    const path = repositoryPath(repository);
    // An event during the read may name a push the answer does not hold yet: not kept, read next pass.
    if ((this.#changedAt.get(path) ?? 0) > asked) return images;
    this.#entries.set(repository, { images, readAt: this.#pass });
    const names = this.#byPath.get(path);
    if (names === undefined || names === repository) this.#byPath.set(path, repository);
    else if (typeof names === 'string') this.#byPath.set(path, [names, repository]);
    else if (!names.includes(repository)) names.push(repository);
    return images;
  }

  /** Each repository's turn comes once every `every` passes, at an offset of its own. */
  #due(repository: string): boolean {
    let hash = 0;
    for (let i = 0; i < repository.length; i++) hash = (hash * 31 + repository.charCodeAt(i)) >>> 0;
    return (this.#pass + hash) % this.#every === 0;
  }
}
