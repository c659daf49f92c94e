// In-memory ECR state: repositories and images. A tag lives on exactly one image; pushing the same
// tag again creates a new digest and moves the tag, as a real `docker push` does.
import { createHash } from 'node:crypto';
import { AwsError } from '../aws-error.ts';

export const LOCAL_ACCOUNT_ID = '000000000000';
export const LOCAL_REGION = 'us-east-1';
/** Shaped like `<account>.dkr.ecr.<region>.amazonaws.com`, but clearly not AWS. */
export const LOCAL_REGISTRY_HOST = `${LOCAL_ACCOUNT_ID}.dkr.ecr.${LOCAL_REGION}.localhost`;

export interface LocalImage {
  digest: string;
  tags: string[];
  pushedAt: Date;
  sizeInBytes: number;
  broken: boolean;
  /** Runs and passes ECS health checks, but answers every other request with HTTP 500 (a bad canary). */
  servesErrors?: boolean;
  manifest: string;
}

export interface LocalRepository {
  name: string;
  arn: string;
  uri: string;
  createdAt: Date;
  images: LocalImage[];
}

export interface PushResult {
  repository: string;
  tag: string;
  digest: string;
  imageUri: string;
  broken: boolean;
  servesErrors?: boolean;
  pushedAt: Date;
}

const REPOSITORY_NAME = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

export class LocalRegistry {
  readonly #repositories = new Map<string, LocalRepository>();
  #pushCounter = 0;

  createRepository(name: string): LocalRepository {
    if (!REPOSITORY_NAME.test(name) || name.length > 256) {
      throw new AwsError('InvalidParameterException', `Invalid repository name: ${name}`);
    }
    if (this.#repositories.has(name)) {
      throw new AwsError(
        'RepositoryAlreadyExistsException',
        `The repository with name '${name}' already exists`,
      );
    }
    const repository: LocalRepository = {
      name,
      arn: `arn:aws:ecr:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:repository/${name}`,
      uri: `${LOCAL_REGISTRY_HOST}/${name}`,
      createdAt: new Date(),
      images: [],
    };
    this.#repositories.set(name, repository);
    return repository;
  }

  repositories(): LocalRepository[] {
    return [...this.#repositories.values()];
  }

  repository(name: string): LocalRepository {
    const repository = this.#repositories.get(name);
    if (!repository) {
      throw new AwsError(
        'RepositoryNotFoundException',
        `The repository with name '${name}' does not exist in the registry with id '${LOCAL_ACCOUNT_ID}'`,
      );
    }
    return repository;
  }

  push(
    repositoryName: string,
    tag: string,
    options: { broken?: boolean; servesErrors?: boolean; createRepository?: boolean } = {},
  ): PushResult {
    if (!TAG.test(tag)) throw new AwsError('InvalidParameterException', `Invalid image tag: ${tag}`);
    if (options.createRepository && !this.#repositories.has(repositoryName))
      this.createRepository(repositoryName);
    const repository = this.repository(repositoryName);
    this.#pushCounter += 1;
    const broken = options.broken ?? false;
    const servesErrors = options.servesErrors === true;
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      config: { digest: `sha256:${sha256(`${repositoryName}:${tag}:config:${this.#pushCounter}`)}` },
      annotations: {
        'local.broken': String(broken),
        ...(servesErrors && { 'local.serves-errors': 'true' }),
        'local.push': String(this.#pushCounter),
      },
    });
    // An image digest is the SHA-256 of its manifest (API_ImageIdentifier.html: "The sha256 digest of the
    // image manifest"); the push counter in the manifest keeps every push distinct.
    const digest = `sha256:${sha256(manifest)}`;
    for (const image of repository.images) image.tags = image.tags.filter((existing) => existing !== tag);
    const image: LocalImage = {
      digest,
      tags: [tag],
      pushedAt: new Date(),
      sizeInBytes: 20_000_000 + this.#pushCounter,
      broken,
      ...(servesErrors && { servesErrors }),
      manifest,
    };
    repository.images.push(image);
    return {
      repository: repositoryName,
      tag,
      digest,
      imageUri: `${repository.uri}@${digest}`,
      broken,
      ...(servesErrors && { servesErrors }),
      pushedAt: image.pushedAt,
    };
  }

  /** Finds an image by digest or tag; undefined when absent (callers choose the error). */
  findImage(repositoryName: string, id: { imageDigest?: string; imageTag?: string }): LocalImage | undefined {
    const repository = this.#repositories.get(repositoryName);
    if (!repository) return undefined;
    return repository.images.find(
      (image) =>
        (id.imageDigest === undefined || image.digest === id.imageDigest) &&
        (id.imageTag === undefined || image.tags.includes(id.imageTag)),
    );
  }

  /** Whether the image an ECS container refers to (`<uri>@<digest>` or `<uri>:<tag>`) is marked broken. */
  resolveImageReference(image: string): {
    repository: string;
    digest?: string;
    broken: boolean;
    servesErrors?: boolean;
  } {
    const { repository, tag, digest } = parseImageReference(image);
    const found = this.findImage(
      repository,
      digest ? { imageDigest: digest } : { imageTag: tag ?? 'latest' },
    );
    return {
      repository,
      digest: found?.digest ?? digest,
      broken: found?.broken ?? false,
      ...(found?.servesErrors && { servesErrors: true }),
    };
  }
}

export function parseImageReference(image: string): { repository: string; tag?: string; digest?: string } {
  let rest = image;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  // Drop the registry host (first segment containing a dot, colon or "localhost").
  const segments = rest.split('/');
  const first = segments[0] ?? '';
  if (segments.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost'))
    segments.shift();
  return { repository: segments.join('/'), tag, digest };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
