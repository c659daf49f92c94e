// CloudFront invalidations in memory: CallerReference idempotency and InProgress → Completed.
import { AwsError } from '../aws-error.ts';

export interface LocalInvalidation {
  id: string;
  distributionId: string;
  callerReference: string;
  paths: string[];
  createdAt: Date;
  completesAt: number;
}

export type InvalidationStatus = 'InProgress' | 'Completed';

const MAX_WILDCARD_PATHS_IN_PROGRESS = 15;
const MAX_FILE_PATHS_IN_PROGRESS = 3_000;

export class InvalidationStore {
  readonly #items: LocalInvalidation[] = [];
  readonly #completionMs: number;
  readonly #knownDistributions: Set<string> | undefined;

  constructor(completionMs: number, knownDistributions?: string[]) {
    this.#completionMs = completionMs;
    this.#knownDistributions = knownDistributions ? new Set(knownDistributions) : undefined;
  }

  #checkDistribution(distributionId: string): void {
    const known = this.#knownDistributions
      ? this.#knownDistributions.has(distributionId)
      : /^[A-Z0-9]{1,64}$/.test(distributionId);
    if (!known) throw new AwsError('NoSuchDistribution', 'The specified distribution does not exist.', 404);
  }

  create(
    distributionId: string,
    callerReference: string,
    paths: string[],
  ): { invalidation: LocalInvalidation; created: boolean } {
    this.#checkDistribution(distributionId);
    if (callerReference === '') throw new AwsError('InvalidArgument', 'CallerReference is required.');
    if (paths.length === 0) throw new AwsError('InvalidArgument', 'At least one path is required.');
    if (paths.some((path) => !path.startsWith('/')))
      throw new AwsError('InvalidArgument', 'Paths must start with /.');
    const existing = this.#items.find(
      (item) => item.distributionId === distributionId && item.callerReference === callerReference,
    );
    if (existing) {
      if (samePaths(existing.paths, paths)) return { invalidation: existing, created: false };
      throw new AwsError(
        'InvalidationBatchAlreadyExists',
        'An invalidation batch with this CallerReference already exists with different paths.',
        409,
      );
    }
    this.#checkInProgressLimits(distributionId, paths);
    const invalidation: LocalInvalidation = {
      id: `I${crypto.randomUUID().replaceAll('-', '').slice(0, 13).toUpperCase()}`,
      distributionId,
      callerReference,
      paths: [...paths],
      createdAt: new Date(),
      completesAt: Date.now() + this.#completionMs,
    };
    this.#items.push(invalidation);
    return { invalidation, created: true };
  }

  /**
   * "If you're invalidating files individually, you can have invalidation requests for up to 3,000 files per
   * distribution in progress at one time [...] If you're using the * wildcard, you can have requests for up
   * to 15 invalidation paths in progress at one time"; beyond that CloudFront answers
   * TooManyInvalidationsInProgress (400) until some complete
   * (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cloudfront-limits.html#limits-invalidations,
   * API_CreateInvalidation.html Errors).
   */
  #checkInProgressLimits(distributionId: string, paths: string[]): void {
    const now = Date.now();
    const inProgress = this.#items
      .filter((item) => item.distributionId === distributionId && statusOf(item, now) === 'InProgress')
      .flatMap((item) => item.paths);
    const wildcards = (list: string[]) => list.filter((path) => path.includes('*')).length;
    const files = (list: string[]) => list.length - wildcards(list);
    if (
      wildcards(inProgress) + wildcards(paths) > MAX_WILDCARD_PATHS_IN_PROGRESS ||
      files(inProgress) + files(paths) > MAX_FILE_PATHS_IN_PROGRESS
    ) {
      throw new AwsError(
        'TooManyInvalidationsInProgress',
        'Processing your request will cause you to exceed the maximum number of in-progress invalidations.',
        400,
      );
    }
  }

  get(distributionId: string, id: string): LocalInvalidation {
    this.#checkDistribution(distributionId);
    const found = this.#items.find((item) => item.distributionId === distributionId && item.id === id);
    if (!found) throw new AwsError('NoSuchInvalidation', 'The specified invalidation does not exist.', 404);
    return found;
  }

  list(distributionId: string): LocalInvalidation[] {
    this.#checkDistribution(distributionId);
    return this.#items.filter((item) => item.distributionId === distributionId).reverse();
  }

  all(): LocalInvalidation[] {
    return [...this.#items];
  }
}

export function statusOf(invalidation: LocalInvalidation, now = Date.now()): InvalidationStatus {
  return now >= invalidation.completesAt ? 'Completed' : 'InProgress';
}

function samePaths(a: string[], b: string[]): boolean {
  const left = [...a].sort();
  const right = [...b].sort();
  return left.length === right.length && left.every((path, index) => path === right[index]);
}
