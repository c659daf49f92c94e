// In-memory RegistryPort: repositories of images with digests, tags and push times.
import { createHash } from 'node:crypto';
import type { RegistryImage } from '../../deployer/domain/types.ts';
import type { RegistryPort } from '../../deployer/ports.ts';
import type { CallCounter } from './call-counter.ts';

export const FAKE_REGISTRY_HOST = '000000000000.dkr.ecr.us-east-1.amazonaws.com';

export function fakeDigest(seed: string): string {
  return `sha256:${createHash('sha256').update(seed).digest('hex')}`;
}

export class FakeRegistry implements RegistryPort {
  readonly #repositories = new Map<string, RegistryImage[]>();
  readonly #counter: CallCounter;
  #pushSeq = 0;

  constructor(counter: CallCounter) {
    this.#counter = counter;
  }

  /** Adds (or re-tags) an image; a tag moves from any older image. Returns the digest. */
  push(repository: string, tag: string, digest = fakeDigest(`${repository}:${tag}`)): string {
    const images = this.#repositories.get(repository) ?? [];
    for (const image of images) image.tags = image.tags.filter((existing) => existing !== tag);
    this.#pushSeq += 1;
    const pushedAt = new Date(Date.UTC(2026, 0, 1) + this.#pushSeq * 1000);
    const existing = images.find((image) => image.digest === digest);
    if (existing) {
      existing.tags.push(tag);
      existing.pushedAt = pushedAt;
    } else images.push({ digest, tags: [tag], pushedAt });
    this.#repositories.set(repository, images);
    return digest;
  }

  uri(repository: string): string {
    return `${FAKE_REGISTRY_HOST}/${repository}`;
  }

  async listImages(repository: string, _signal: AbortSignal): Promise<RegistryImage[]> {
    this.#counter.record('ecr:DescribeImages');
    const name = repository.slice(repository.lastIndexOf('/') + 1);
    const images = this.#repositories.get(name);
    if (!images) throw new Error(`fake ECR: repository ${name} not found`);
    return images.map((image) => ({ ...image, tags: [...image.tags] }));
  }

  async repositoryUri(repository: string, _signal: AbortSignal): Promise<string> {
    this.#counter.record('ecr:DescribeRepositories');
    const name = repository.slice(repository.lastIndexOf('/') + 1);
    if (!this.#repositories.has(name)) throw new Error(`fake ECR: repository ${name} not found`);
    return this.uri(name);
  }
}
