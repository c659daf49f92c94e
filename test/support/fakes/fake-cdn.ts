// In-memory CdnPort following CloudFront's CreateInvalidation: a repeat with the same CallerReference
// creates nothing new and answers the earlier invalidation as it now stands
// (https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_InvalidationBatch.html). With other
// paths CloudFront says InvalidationBatchAlreadyExists, which the port (and the adapter) answer with the
// earlier invalidation too: a rollout id invalidates once.
// An unknown distribution is NoSuchDistribution (404) when the fake is told which exist.
// An invalidation is InProgress until `getsToComplete` GetInvalidation calls have seen it.
import type { CdnPort, InvalidationStatus } from '../../../deployer/ports.ts';
import { awsFailure } from './aws-errors.ts';
import { CallCounter } from './call-counter.ts';
import { type PlannedFailure, throwIfPlanned } from './planned-failure.ts';

interface FakeInvalidation {
  distributionId: string;
  paths: string[];
  id: string;
  status: InvalidationStatus['status'];
  gets: number;
}

export interface FakeCdnOptions {
  counter?: CallCounter;
  /** GetInvalidation calls after which an invalidation is Completed (default 1: the first). */
  getsToComplete?: number;
  /** The distributions that exist; others fail with NoSuchDistribution. Without it, every id exists. */
  distributions?: string[];
}

export class FakeCdn implements CdnPort {
  readonly byReference = new Map<string, FakeInvalidation>();
  readonly counter: CallCounter;
  readonly getsToComplete: number;
  readonly #distributions: Set<string> | undefined;
  /** Throws `error` from a call of `method`, once, after letting `skip` calls through. */
  failNext: PlannedFailure<keyof CdnPort> | undefined;

  constructor(options: FakeCdnOptions = {}) {
    this.counter = options.counter ?? new CallCounter();
    this.getsToComplete = options.getsToComplete ?? 1;
    this.#distributions = options.distributions ? new Set(options.distributions) : undefined;
  }

  /** CreateInvalidation calls so far (repeats included). */
  get creates(): number {
    return this.counter.count('cloudfront:CreateInvalidation');
  }

  async createInvalidation(
    distributionId: string,
    paths: string[],
    callerReference: string,
    _signal?: AbortSignal,
  ): Promise<InvalidationStatus> {
    this.counter.record('cloudfront:CreateInvalidation');
    throwIfPlanned(this, 'createInvalidation');
    this.#requireDistribution('cloudfront:CreateInvalidation', distributionId);
    const found = this.byReference.get(callerReference);
    if (found) return { id: found.id, status: found.status };
    const id = `I${this.byReference.size + 1}`;
    this.byReference.set(callerReference, {
      distributionId,
      paths: [...paths],
      id,
      status: 'InProgress',
      gets: 0,
    });
    return { id, status: 'InProgress' };
  }

  async getInvalidation(
    distributionId: string,
    id: string,
    _signal?: AbortSignal,
  ): Promise<InvalidationStatus> {
    this.counter.record('cloudfront:GetInvalidation');
    throwIfPlanned(this, 'getInvalidation');
    this.#requireDistribution('cloudfront:GetInvalidation', distributionId);
    const found = [...this.byReference.values()].find(
      (invalidation) => invalidation.id === id && invalidation.distributionId === distributionId,
    );
    if (!found)
      throw awsFailure(
        'cloudfront:GetInvalidation',
        'NoSuchInvalidation',
        `The specified invalidation does not exist.`,
        404,
      );
    found.gets += 1;
    if (found.gets >= this.getsToComplete) found.status = 'Completed';
    return { id, status: found.status };
  }

  #requireDistribution(operation: string, distributionId: string): void {
    if (this.#distributions && !this.#distributions.has(distributionId))
      throw awsFailure(operation, 'NoSuchDistribution', 'The specified distribution does not exist.', 404);
  }
}
