// In-memory CdnPort following CloudFront's CreateInvalidation: a repeat with the same CallerReference
// and the same paths creates nothing new and answers the earlier invalidation as it now stands; the
// same reference with other paths is InvalidationBatchAlreadyExists
// (https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CreateInvalidation.html).
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
}

export class FakeCdn implements CdnPort {
  readonly byReference = new Map<string, FakeInvalidation>();
  readonly counter: CallCounter;
  readonly getsToComplete: number;
  /** Throws `error` from a call of `method`, once, after letting `skip` calls through. */
  failNext: PlannedFailure<keyof CdnPort> | undefined;

  constructor(options: FakeCdnOptions = {}) {
    this.counter = options.counter ?? new CallCounter();
    this.getsToComplete = options.getsToComplete ?? 1;
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
    const found = this.byReference.get(callerReference);
    if (found) {
      if (found.distributionId !== distributionId || found.paths.join('\n') !== paths.join('\n'))
        throw awsFailure(
          'cloudfront:CreateInvalidation',
          'InvalidationBatchAlreadyExists',
          `CallerReference ${callerReference} was used for another invalidation batch`,
          409,
        );
      return { id: found.id, status: found.status };
    }
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
}
