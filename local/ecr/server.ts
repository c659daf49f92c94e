// ECR stand-in: AWS JSON 1.1 (`AmazonEC2ContainerRegistry_V20150921.<Op>`) over the in-memory
// registry, plus the admin endpoint `POST /_local/push {repository, tag, broken?, servesErrors?}`.
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import { AwsError } from '../aws-error.ts';
import {
  createJsonProtocolServer,
  type JsonBody,
  optionalArray,
  optionalNumber,
  optionalString,
  requiredString,
} from '../aws-json-protocol.ts';
import type { FaultInjector } from '../faults.ts';
import { epochSeconds } from '../http-util.ts';
import {
  LOCAL_ACCOUNT_ID,
  type LocalImage,
  type LocalRegistry,
  type LocalRepository,
  type PushResult,
} from './registry.ts';

export const ECR_TARGET_PREFIX = 'AmazonEC2ContainerRegistry_V20150921';
export const ECR_PUSH_PATH = '/_local/push';

export interface EcrServerOptions {
  registry: LocalRegistry;
  /** Called for every push through the admin endpoint (the world sends the EventBridge event). */
  push: (
    repository: string,
    tag: string,
    options: { broken: boolean; servesErrors?: boolean },
  ) => Promise<PushResult>;
  faults?: FaultInjector;
  logger: Logger;
}

interface ImageId {
  imageDigest?: string;
  imageTag?: string;
}

function imageIds(input: JsonBody): ImageId[] | undefined {
  const list = optionalArray(input, 'imageIds');
  if (!list) return undefined;
  return list.map((entry) => {
    if (typeof entry !== 'object' || entry === null)
      throw new AwsError('InvalidParameterException', 'bad imageId');
    const id = entry as JsonBody;
    const result: ImageId = {
      imageDigest: optionalString(id, 'imageDigest'),
      imageTag: optionalString(id, 'imageTag'),
    };
    if (!result.imageDigest && !result.imageTag) {
      throw new AwsError('InvalidParameterException', 'imageId needs imageDigest or imageTag');
    }
    return result;
  });
}

function describeRepository(repository: LocalRepository): JsonBody {
  return {
    repositoryArn: repository.arn,
    registryId: LOCAL_ACCOUNT_ID,
    repositoryName: repository.name,
    repositoryUri: repository.uri,
    createdAt: epochSeconds(repository.createdAt),
    imageTagMutability: 'MUTABLE',
    imageScanningConfiguration: { scanOnPush: false },
    encryptionConfiguration: { encryptionType: 'AES256' },
  };
}

function describeImage(repository: LocalRepository, image: LocalImage): JsonBody {
  return {
    registryId: LOCAL_ACCOUNT_ID,
    repositoryName: repository.name,
    imageDigest: image.digest,
    ...(image.tags.length > 0 ? { imageTags: [...image.tags] } : {}),
    imageSizeInBytes: image.sizeInBytes,
    imagePushedAt: epochSeconds(image.pushedAt),
    imageManifestMediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    artifactMediaType: 'application/vnd.docker.container.image.v1+json',
  };
}

/** nextToken is an opaque offset; a token that does not decode is rejected as AWS does. */
function paginate<T>(items: T[], input: JsonBody, maxDefault: number): { page: T[]; nextToken?: string } {
  const maxResults = optionalNumber(input, 'maxResults') ?? maxDefault;
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 1000) {
    throw new AwsError('InvalidParameterException', 'maxResults must be between 1 and 1000');
  }
  const token = optionalString(input, 'nextToken');
  let start = 0;
  if (token !== undefined) {
    start = Number(
      Buffer.from(token, 'base64url')
        .toString('utf8')
        .replace(/^offset:/, ''),
    );
    if (!Number.isInteger(start) || start < 0)
      throw new AwsError('InvalidParameterException', 'Invalid nextToken');
  }
  const page = items.slice(start, start + maxResults);
  const end = start + page.length;
  return end < items.length
    ? { page, nextToken: Buffer.from(`offset:${end}`).toString('base64url') }
    : { page };
}

function imageNotFound(repository: string, id: ImageId): AwsError {
  const which = id.imageDigest ? `imageDigest=${id.imageDigest}` : `imageTag=${id.imageTag}`;
  return new AwsError(
    'ImageNotFoundException',
    `The image with imageId {${which}} does not exist within the repository with name '${repository}' in the registry with id '${LOCAL_ACCOUNT_ID}'`,
  );
}

export function createEcrServer(options: EcrServerOptions): Server {
  const { registry } = options;
  return createJsonProtocolServer({
    targetPrefix: ECR_TARGET_PREFIX,
    faults: options.faults,
    logger: options.logger,
    extraRoute: async (method, url, body, response) => {
      if (url !== ECR_PUSH_PATH) return false;
      const reply = (status: number, payload: unknown) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(payload));
      };
      if (method !== 'POST') {
        reply(405, { error: 'use POST' });
        return true;
      }
      try {
        const parsed = JSON.parse(body) as {
          repository?: unknown;
          tag?: unknown;
          broken?: unknown;
          servesErrors?: unknown;
        };
        if (typeof parsed.repository !== 'string' || typeof parsed.tag !== 'string') {
          reply(400, {
            error:
              'body must be {"repository": string, "tag": string, "broken"?: boolean, "servesErrors"?: boolean}',
          });
          return true;
        }
        const result = await options.push(parsed.repository, parsed.tag, {
          broken: parsed.broken === true,
          ...(parsed.servesErrors === true && { servesErrors: true }),
        });
        reply(200, { ...result, pushedAt: result.pushedAt.toISOString() });
      } catch (error) {
        reply(error instanceof AwsError ? 400 : 500, {
          error: error instanceof Error ? error.message : 'push failed',
        });
      }
      return true;
    },
    operations: {
      CreateRepository: (input) => ({
        repository: describeRepository(registry.createRepository(requiredString(input, 'repositoryName'))),
      }),
      DescribeRepositories: (input) => {
        const names = optionalArray(input, 'repositoryNames');
        const repositories = names
          ? names.map((name) => registry.repository(String(name)))
          : registry.repositories();
        const { page, nextToken } = paginate(repositories, input, 100);
        return { repositories: page.map(describeRepository), ...(nextToken ? { nextToken } : {}) };
      },
      DescribeImages: (input) => {
        const repository = registry.repository(requiredString(input, 'repositoryName'));
        const ids = imageIds(input);
        let images = repository.images;
        if (ids) {
          images = ids.map((id) => {
            const image = registry.findImage(repository.name, id);
            if (!image) throw imageNotFound(repository.name, id);
            return image;
          });
        }
        const filter = input.filter as { tagStatus?: string } | undefined;
        if (filter?.tagStatus === 'TAGGED') images = images.filter((image) => image.tags.length > 0);
        if (filter?.tagStatus === 'UNTAGGED') images = images.filter((image) => image.tags.length === 0);
        const { page, nextToken } = paginate(images, input, 100);
        return {
          imageDetails: page.map((image) => describeImage(repository, image)),
          ...(nextToken ? { nextToken } : {}),
        };
      },
      ListImages: (input) => {
        const repository = registry.repository(requiredString(input, 'repositoryName'));
        const ids = repository.images.flatMap((image) =>
          image.tags.length === 0
            ? [{ imageDigest: image.digest }]
            : image.tags.map((tag) => ({ imageDigest: image.digest, imageTag: tag })),
        );
        const { page, nextToken } = paginate(ids, input, 1000);
        return { imageIds: page, ...(nextToken ? { nextToken } : {}) };
      },
      BatchGetImage: (input) => {
        const repository = registry.repository(requiredString(input, 'repositoryName'));
        const images: JsonBody[] = [];
        const failures: JsonBody[] = [];
        for (const id of imageIds(input) ?? []) {
          const image = registry.findImage(repository.name, id);
          if (!image) {
            failures.push({
              imageId: id,
              failureCode: 'ImageNotFound',
              failureReason: 'Requested image not found',
            });
            continue;
          }
          images.push({
            registryId: LOCAL_ACCOUNT_ID,
            repositoryName: repository.name,
            imageId: { imageDigest: image.digest, ...(id.imageTag ? { imageTag: id.imageTag } : {}) },
            imageManifest: image.manifest,
            imageManifestMediaType: 'application/vnd.docker.distribution.manifest.v2+json',
          });
        }
        return { images, failures };
      },
    },
  });
}
