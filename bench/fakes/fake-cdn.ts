// In-memory CdnPort: idempotent by caller reference, completes on the first getInvalidation.
import type { CdnPort, InvalidationStatus } from '../../deployer/ports.ts';
import type { CallCounter } from './call-counter.ts';

export class FakeCdn implements CdnPort {
  readonly invalidations = new Map<string, { distributionId: string; paths: string[]; id: string }>();
  readonly #counter: CallCounter;

  constructor(counter: CallCounter) {
    this.#counter = counter;
  }

  async createInvalidation(
    distributionId: string,
    paths: string[],
    callerReference: string,
    _signal: AbortSignal,
  ): Promise<InvalidationStatus> {
    this.#counter.record('cloudfront:CreateInvalidation');
    const existing = this.invalidations.get(callerReference);
    if (existing) return { id: existing.id, status: 'Completed' };
    const id = `I${this.invalidations.size + 1}`;
    this.invalidations.set(callerReference, { distributionId, paths, id });
    return { id, status: 'InProgress' };
  }

  async getInvalidation(
    _distributionId: string,
    id: string,
    _signal: AbortSignal,
  ): Promise<InvalidationStatus> {
    this.#counter.record('cloudfront:GetInvalidation');
    return { id, status: 'Completed' };
  }
}
