// RegistryPort contract: what ECR guarantees about repositories and images, in all three worlds.
// API reference: https://docs.aws.amazon.com/AmazonECR/latest/APIReference/
import { CreateRepositoryCommand, type ECRClient } from '@aws-sdk/client-ecr';
import { pino } from 'pino';
import { expect, it } from 'vitest';
import { type AwsClients, createAwsClients } from '../../deployer/adapters/aws/clients.ts';
import { EcrAdapter } from '../../deployer/adapters/aws/ecr-adapter.ts';
import { DeployerError } from '../../deployer/domain/errors.ts';
import type { RegistryPort } from '../../deployer/ports.ts';
import { LocalRegistry } from '../../local/ecr/registry.ts';
import { createEcrServer } from '../../local/ecr/server.ts';
import { close, listen } from '../../local/http-util.ts';
import { FakeClock, FakeRegistry } from '../support/fakes/index.ts';
import { motoAccount } from '../support/moto-accounts.ts';
import { putMotoImage } from '../support/moto-resources.ts';
import { contract, type Subject, signal } from './worlds.ts';

interface RegistrySubject extends Subject {
  registry(options?: { pageSize?: number }): RegistryPort;
  /** Creates a (tag-mutable) repository with a fresh name. */
  newRepository(): Promise<string>;
  /** Pushes a new image under `tag`; returns its digest. */
  push(repository: string, tag: string): Promise<string>;
}

const credentials = { accessKeyId: 'contract', secretAccessKey: 'contract' };
let repositories = 0;
const nextRepository = () => `contract-${++repositories}`;

function sdkWorld(
  endpoint: string,
  push: (client: ECRClient, repository: string, tag: string) => Promise<string>,
  stopServer: () => Promise<void>,
  keys: { accessKeyId: string; secretAccessKey: string } = credentials,
): RegistrySubject {
  const clients: AwsClients = createAwsClients({
    maxAttempts: 1,
    credentials: keys,
    endpoints: { ecr: endpoint },
  });
  return {
    registry: (options) => new EcrAdapter(clients.ecr, options),
    newRepository: async () => {
      const name = nextRepository();
      await clients.ecr.send(
        new CreateRepositoryCommand({ repositoryName: name, imageTagMutability: 'MUTABLE' }),
      );
      return name;
    },
    push: (repository, tag) => push(clients.ecr, repository, tag),
    stop: async () => {
      clients.destroy();
      await stopServer();
    },
  };
}

let manifests = 0;

contract<RegistrySubject>(
  'RegistryPort',
  {
    fake: async () => {
      const registry = new FakeRegistry(new FakeClock());
      return {
        registry: () => registry,
        newRepository: async () => {
          const repository = nextRepository();
          registry.createRepository(repository);
          return repository;
        },
        push: async (repository, tag) =>
          registry.push(repository, tag, `${repository}:${tag}:${++manifests}`),
        stop: async () => {},
      };
    },
    standin: async () => {
      const local = new LocalRegistry();
      const server = createEcrServer({
        registry: local,
        push: async (repository, tag, options) => local.push(repository, tag, options),
        logger: pino({ level: 'silent' }),
      });
      const port = await listen(server, 0);
      return sdkWorld(
        `http://127.0.0.1:${port}`,
        async (_client, repository, tag) => local.push(repository, tag).digest,
        () => close(server),
      );
    },
    moto: async () => {
      const moto = await motoAccount();
      return sdkWorld(moto.endpoint, putMotoImage, () => moto.stop(), moto.credentials);
    },
  },
  (subject) => {
    // DescribeImages returns imageDetails with imageDigest, imageTags and imagePushedAt, paginated by
    // maxResults / nextToken (API_DescribeImages.html). moto ignores maxResults (MOTO_TOLERATED_DIFFERENCES).
    it('listImages returns every image with its digest, tags and push time, across pages of one', async () => {
      const repository = await subject().newRepository();
      const pushed = [
        await subject().push(repository, '1.0.0'),
        await subject().push(repository, '1.1.0'),
        await subject().push(repository, '2.0.0'),
      ];
      const images = await subject().registry({ pageSize: 1 }).listImages(repository, signal);
      expect(images.map((image) => image.digest).sort()).toEqual([...pushed].sort());
      const byDigest = new Map(images.map((image) => [image.digest, image]));
      expect(byDigest.get(pushed[1]!)?.tags).toEqual(['1.1.0']);
      for (const image of images) {
        expect(image.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
        expect(image.pushedAt).toBeInstanceOf(Date);
      }
    });

    // In a MUTABLE repository a tag names one image: pushing it again points it at the new image
    // (https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html).
    it('a tag pushed again names only the new image', async () => {
      const repository = await subject().newRepository();
      await subject().push(repository, 'latest');
      const second = await subject().push(repository, 'latest');
      const tagged = (await subject().registry().listImages(repository, signal)).filter((image) =>
        image.tags.includes('latest'),
      );
      expect(tagged.map((image) => image.digest)).toEqual([second]);
    });

    // repositoryUri: `<account>.dkr.ecr.<region>.amazonaws.com/<name>` (API_Repository.html); a full URI is
    // already what the task definition needs.
    it('repositoryUri ends with the repository name and passes a full URI through', async () => {
      const repository = await subject().newRepository();
      const uri = await subject().registry().repositoryUri(repository, signal);
      expect(uri).toMatch(new RegExp(`^[a-z0-9.-]+(:\\d+)?/${repository}$`));
      expect(await subject().registry().repositoryUri(uri, signal)).toBe(uri);
    });

    // RepositoryNotFoundException: "The specified repository could not be found" (API_DescribeImages.html).
    it('listImages of an unknown repository fails with terminal IMAGE_NOT_FOUND', async () => {
      const error = await subject()
        .registry()
        .listImages('no-such-repository', signal)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DeployerError);
      expect((error as DeployerError).code).toBe('IMAGE_NOT_FOUND');
      expect((error as DeployerError).retryable).toBe(false);
    });
  },
);
