// RegistryPort over ECR: every image of a repository, and the repository's URI (cached: it never
// changes for the life of the process).
import { DescribeImagesCommand, DescribeRepositoriesCommand, type ECRClient } from '@aws-sdk/client-ecr';
import { DeployerError } from '../../domain/errors.ts';
import type { RegistryImage } from '../../domain/types.ts';
import type { RegistryPort } from '../../ports.ts';
import { callAws } from './map-aws-error.ts';

const MAX_PAGES = 200;
// `<account>.dkr.ecr.<region>.amazonaws.com[.cn]/<name>`: the account is the registry id.
const ECR_HOST = /^(\d{12})\.dkr\.ecr(?:-fips)?\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?$/;

interface RepositoryName {
  name: string;
  registryId?: string;
  /** Set when the caller passed a full URI. */
  uri?: string;
}

/** Accepts `name`, `path/name` or `<registry host>/<name>`. */
export function parseRepository(repository: string): RepositoryName {
  const slash = repository.indexOf('/');
  if (slash === -1) return { name: repository };
  const host = repository.slice(0, slash);
  // Docker's rule: the first component is a registry host when it has a dot or a port, or is localhost.
  if (!host.includes('.') && !host.includes(':') && host !== 'localhost') return { name: repository };
  const name = repository.slice(slash + 1);
  const account = ECR_HOST.exec(host)?.[1];
  return account ? { name, registryId: account, uri: repository } : { name, uri: repository };
}

export interface EcrAdapterOptions {
  /** Page size for DescribeImages (1..1000); small values only make sense in tests. */
  pageSize?: number;
}

export class EcrAdapter implements RegistryPort {
  readonly #client: ECRClient;
  readonly #pageSize: number;
  readonly #uris = new Map<string, string>();

  constructor(client: ECRClient, options: EcrAdapterOptions = {}) {
    this.#client = client;
    this.#pageSize = options.pageSize ?? 1000;
  }

  async listImages(repository: string, signal: AbortSignal): Promise<RegistryImage[]> {
    const { name, registryId } = parseRepository(repository);
    const images: RegistryImage[] = [];
    let nextToken: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const output = await callAws('ecr:DescribeImages', signal, () =>
        this.#client.send(
          new DescribeImagesCommand({
            repositoryName: name,
            registryId,
            maxResults: this.#pageSize,
            nextToken,
          }),
          { abortSignal: signal },
        ),
      );
      for (const detail of output.imageDetails ?? []) {
        if (!detail.imageDigest) continue;
        images.push({
          digest: detail.imageDigest,
          tags: detail.imageTags ?? [],
          pushedAt: detail.imagePushedAt ?? new Date(0),
        });
      }
      nextToken = output.nextToken;
      if (!nextToken) break;
    }
    return images;
  }

  async repositoryUri(repository: string, signal: AbortSignal): Promise<string> {
    const parsed = parseRepository(repository);
    if (parsed.uri) return parsed.uri;
    const cached = this.#uris.get(parsed.name);
    if (cached) return cached;
    const output = await callAws('ecr:DescribeRepositories', signal, () =>
      this.#client.send(new DescribeRepositoriesCommand({ repositoryNames: [parsed.name] }), {
        abortSignal: signal,
      }),
    );
    const uri = output.repositories?.find((r) => r.repositoryName === parsed.name)?.repositoryUri;
    if (!uri) {
      throw new DeployerError('IMAGE_NOT_FOUND', `ECR repository ${parsed.name} not found`, {
        details: { repository: parsed.name },
      });
    }
    this.#uris.set(parsed.name, uri);
    return uri;
  }
}
