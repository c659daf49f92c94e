// Resources the moto tests need that no production code creates: a CloudFront distribution and image
// pushes (what `docker push` ends with).
import { type CloudFrontClient, CreateDistributionCommand } from '@aws-sdk/client-cloudfront';
import { type ECRClient, PutImageCommand } from '@aws-sdk/client-ecr';

/** A minimal distribution (one custom origin); returns its id. */
export async function createMotoDistribution(client: CloudFrontClient): Promise<string> {
  const output = await client.send(
    new CreateDistributionCommand({
      DistributionConfig: {
        CallerReference: `moto-${process.pid}-${Date.now()}`,
        Comment: 'ecs-gitops tests',
        Enabled: true,
        Origins: {
          Quantity: 1,
          Items: [
            {
              Id: 'origin',
              DomainName: 'origin.example.com',
              CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: 'http-only' },
            },
          ],
        },
        DefaultCacheBehavior: {
          TargetOriginId: 'origin',
          ViewerProtocolPolicy: 'allow-all',
          // AWS managed policy "CachingOptimized".
          CachePolicyId: '658327ea-f89d-4fab-a63d-7e88639e58f6',
        },
      },
    }),
  );
  const id = output.Distribution?.Id;
  if (!id) throw new Error('moto CreateDistribution answered without an id');
  return id;
}

let pushes = 0;

/**
 * PutImage of a fresh manifest under `tag` (API_PutImage.html); returns the image digest. moto derives the
 * digest from the layer digests (test/contract/moto-limits.ts), so every push gets a layer of its own.
 */
export async function putMotoImage(client: ECRClient, repository: string, tag: string): Promise<string> {
  pushes += 1;
  const layer = `sha256:${(process.pid * 1_000_000 + pushes).toString(16).padStart(64, '0')}`;
  const output = await client.send(
    new PutImageCommand({
      repositoryName: repository,
      imageTag: tag,
      imageManifest: JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
        config: {
          mediaType: 'application/vnd.docker.container.image.v1+json',
          size: 1,
          digest: `sha256:${'c'.repeat(64)}`,
        },
        layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: 1, digest: layer }],
      }),
    }),
  );
  const digest = output.image?.imageId?.imageDigest;
  if (!digest) throw new Error('moto PutImage answered without a digest');
  return digest;
}
