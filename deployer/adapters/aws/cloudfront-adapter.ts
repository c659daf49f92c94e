// CdnPort over CloudFront invalidations. CallerReference (the rollout id) makes a repeat after a
// crash return the earlier invalidation instead of paying for a second one.
import {
  type CloudFrontClient,
  CreateInvalidationCommand,
  GetInvalidationCommand,
  type Invalidation,
  ListInvalidationsCommand,
} from '@aws-sdk/client-cloudfront';
import { DeployerError } from '../../domain/errors.ts';
import type { CdnPort, InvalidationStatus } from '../../ports.ts';
import { callAws, mapAwsError } from './map-aws-error.ts';

/** How far back to look for an invalidation with our CallerReference (newest first). */
const MAX_LOOKUP_PAGES = 5;

export class CloudFrontAdapter implements CdnPort {
  readonly #client: CloudFrontClient;

  constructor(client: CloudFrontClient) {
    this.#client = client;
  }

  async createInvalidation(
    distributionId: string,
    paths: string[],
    callerReference: string,
    signal: AbortSignal,
  ): Promise<InvalidationStatus> {
    const command = new CreateInvalidationCommand({
      DistributionId: distributionId,
      InvalidationBatch: {
        CallerReference: callerReference,
        Paths: { Quantity: paths.length, Items: paths },
      },
    });
    try {
      const output = await this.#client.send(command, { abortSignal: signal });
      return toStatus(output.Invalidation, 'cloudfront:CreateInvalidation');
    } catch (error) {
      // Same reference, different paths: the invalidation for this rollout already exists.
      if ((error as { name?: unknown } | null)?.name !== 'InvalidationBatchAlreadyExists') {
        throw mapAwsError(error, 'cloudfront:CreateInvalidation', signal);
      }
      const existing = await this.#findByCallerReference(distributionId, callerReference, signal);
      if (existing) return existing;
      throw mapAwsError(error, 'cloudfront:CreateInvalidation', signal);
    }
  }

  async getInvalidation(
    distributionId: string,
    id: string,
    signal: AbortSignal,
  ): Promise<InvalidationStatus> {
    const output = await callAws('cloudfront:GetInvalidation', signal, () =>
      this.#client.send(new GetInvalidationCommand({ DistributionId: distributionId, Id: id }), {
        abortSignal: signal,
      }),
    );
    return toStatus(output.Invalidation, 'cloudfront:GetInvalidation');
  }

  async #findByCallerReference(
    distributionId: string,
    callerReference: string,
    signal: AbortSignal,
  ): Promise<InvalidationStatus | undefined> {
    let marker: string | undefined;
    for (let page = 0; page < MAX_LOOKUP_PAGES; page++) {
      const output = await callAws('cloudfront:ListInvalidations', signal, () =>
        this.#client.send(new ListInvalidationsCommand({ DistributionId: distributionId, Marker: marker }), {
          abortSignal: signal,
        }),
      );
      // Summaries carry no CallerReference: read each one until ours turns up.
      for (const summary of output.InvalidationList?.Items ?? []) {
        if (!summary.Id) continue;
        const full = await callAws('cloudfront:GetInvalidation', signal, () =>
          this.#client.send(new GetInvalidationCommand({ DistributionId: distributionId, Id: summary.Id }), {
            abortSignal: signal,
          }),
        );
        if (full.Invalidation?.InvalidationBatch?.CallerReference === callerReference) {
          return toStatus(full.Invalidation, 'cloudfront:GetInvalidation');
        }
      }
      if (!output.InvalidationList?.IsTruncated) return undefined;
      marker = output.InvalidationList.NextMarker;
      if (!marker) return undefined;
    }
    return undefined;
  }
}

function toStatus(invalidation: Invalidation | undefined, operation: string): InvalidationStatus {
  if (!invalidation?.Id) {
    throw new DeployerError('AWS_UNAVAILABLE', `${operation} answered without an invalidation`, {
      details: { operation },
    });
  }
  // AWS answers `InProgress` or `Completed` (API_Invalidation.html); moto answers `COMPLETED`, so the
  // case is not trusted (test/contract/moto-limits.ts).
  const completed = invalidation.Status?.toLowerCase() === 'completed';
  return { id: invalidation.Id, status: completed ? 'Completed' : 'InProgress' };
}
