// The newest revisions of a family with their tags: where a rollout finds its own earlier work (a
// crash) and where any replica learns that a digest failed before (state lives in ECS, not in memory).
import { DeployerError } from '../../domain/errors.ts';
import { ROLLOUT_TAG_KEYS } from '../../domain/task-definition.ts';
import type { EcsPort } from '../../ports.ts';
import { RESULT_TAG_KEYS } from './rollout-context.ts';

/** Revisions read: a crash or a recent failure leaves its revision among the newest. */
export const SEARCH_DEPTH = 10;

export interface RecentRevision {
  arn: string;
  tags: Record<string, string>;
}

/** Newest first. */
export async function recentRevisions(
  ecs: EcsPort,
  family: string,
  signal: AbortSignal,
  depth = SEARCH_DEPTH,
): Promise<RecentRevision[]> {
  if (!family)
    throw new DeployerError('TASK_DEFINITION_INVALID', 'task definition has no family', { retryable: false });
  const arns = (await ecs.listTaskDefinitions(family, signal)).slice(0, depth);
  const described = await Promise.all(arns.map((arn) => ecs.describeTaskDefinition(arn, signal)));
  return arns.map((arn, i) => ({ arn, tags: described[i]?.tags ?? {} }));
}

/** The failure recorded on the newest revision of this service that rolled out `digest`, if any. */
export function earlierFailure(
  recent: readonly RecentRevision[],
  service: string,
  digest: string,
): { reason: string; failedAt: string; rolloutId: string } | undefined {
  const newest = recent.find(
    (r) => r.tags[ROLLOUT_TAG_KEYS.service] === service && r.tags[ROLLOUT_TAG_KEYS.digest] === digest,
  );
  const result = newest?.tags[RESULT_TAG_KEYS.result];
  if (!newest || (result !== 'Failed' && result !== 'RolledBack')) return undefined;
  return {
    reason: newest.tags[RESULT_TAG_KEYS.reason] ?? 'DeploymentFailed',
    failedAt: newest.tags[RESULT_TAG_KEYS.finishedAt] ?? '',
    rolloutId: newest.tags[ROLLOUT_TAG_KEYS.rolloutId] ?? '',
  };
}
