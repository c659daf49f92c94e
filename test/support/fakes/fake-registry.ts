// In-memory RegistryPort: ECR repositories of images with digests, tags and push times. Follows ECR:
// a tag names one image at a time (pushing it again moves it), an image may carry several tags, and
// DescribeImages / DescribeRepositories on a repository that does not exist fail with
// RepositoryNotFoundException
// (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeImages.html).
import { createHash } from 'node:crypto';
import type { RegistryImage } from '../../../deployer/domain/types.ts';
import type { Clock, RegistryPort } from '../../../deployer/ports.ts';
import { awsFailure } from './aws-errors.ts';
import { CallCounter } from './call-counter.ts';
import { FAKE_ACCOUNT, FAKE_REGION } from './fake-ecs.ts';

export const REGISTRY_HOST = `${FAKE_ACCOUNT}.dkr.ecr.${FAKE_REGION}.amazonaws.com`;

/** The digest of an image whose content is `text`. */
export const digestOf = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;

export interface FakeRegistryOptions {
  /** Counts calls by operation (`ecr:DescribeImages`...). */
  counter?: CallCounter;
}

export class FakeRegistry implements RegistryPort {
  readonly images = new Map<string, RegistryImage[]>();
  /** The repository of each DescribeImages call, in order. */
  readonly describedRepositories: string[] = [];
  readonly counter: CallCounter;
  readonly #clock: Clock;
  #lastPushAt = 0;

  constructor(clock: Clock, options: FakeRegistryOptions = {}) {
    this.#clock = clock;
    this.counter = options.counter ?? new CallCounter();
  }

  /** DescribeRepositories calls so far. */
  get uriLookups(): number {
    return this.counter.count('ecr:DescribeRepositories');
  }

  createRepository(repository: string): void {
    if (!this.images.has(repository)) this.images.set(repository, []);
  }

  /** Pushes (or retags) an image, creating the repository if needed; returns its digest. */
  push(repository: string, tag: string, content = `${repository}:${tag}`): string {
    const digest = digestOf(content);
    const list = this.images.get(repository) ?? [];
    for (const image of list) image.tags = image.tags.filter((t) => t !== tag);
    // Strictly later than the previous push, so "latest pushed" is never a tie.
    this.#lastPushAt = Math.max(this.#clock.now().getTime(), this.#lastPushAt + 1000);
    const pushedAt = new Date(this.#lastPushAt);
    const existing = list.find((i) => i.digest === digest);
    if (existing) {
      existing.tags.push(tag);
      existing.pushedAt = pushedAt;
    } else list.push({ digest, tags: [tag], pushedAt });
    this.images.set(repository, list);
    return digest;
  }

  uri(repository: string): string {
    return `${REGISTRY_HOST}/${repository}`;
  }

  async listImages(repository: string, _signal?: AbortSignal): Promise<RegistryImage[]> {
    this.counter.record('ecr:DescribeImages');
    this.describedRepositories.push(repository);
    return structuredClone(this.#repository('ecr:DescribeImages', repository));
  }

  /** A full URI is already the answer (the port's promise; no DescribeRepositories call). */
  async repositoryUri(repository: string, _signal?: AbortSignal): Promise<string> {
    if (repository.startsWith(`${REGISTRY_HOST}/`)) return repository;
    this.counter.record('ecr:DescribeRepositories');
    this.#repository('ecr:DescribeRepositories', repository);
    return this.uri(nameOf(repository));
  }

  #repository(operation: string, repository: string): RegistryImage[] {
    const found = this.images.get(nameOf(repository));
    if (!found)
      throw awsFailure(
        operation,
        'RepositoryNotFoundException',
        `The repository with name '${nameOf(repository)}' does not exist in the registry with id '${FAKE_ACCOUNT}'`,
      );
    return found;
  }
}

/** A repository is named or given as its URI (`host/name`). */
function nameOf(repository: string): string {
  return repository.startsWith(`${REGISTRY_HOST}/`) ? repository.slice(REGISTRY_HOST.length + 1) : repository;
}
