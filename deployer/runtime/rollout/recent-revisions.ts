// The newest revisions of a family with their tag records: where a rollout finds its own earlier work
// (a crash) and where any replica learns that a digest failed before (state lives in ECS, not memory).
import { DeployerError } from '../../domain/errors.ts';
import { readRevisionTags, type TaggedRevision } from '../../domain/revision-tags.ts';
import type { EcsPort } from '../../ports.ts';

/** Revisions read: a crash or a recent failure leaves its revision among the newest. */
export const SEARCH_DEPTH = 10;

export type RecentRevision = TaggedRevision;

/** Newest first. */
export async function recentRevisions(
  ecs: EcsPort,
  family: string,
  signal: AbortSignal,
  depth = SEARCH_DEPTH,
): Promise<RecentRevision[]> {
  if (!family) throw new DeployerError('TASK_DEFINITION_INVALID', 'task definition has no family');
  const arns = (await ecs.listTaskDefinitions(family, signal)).slice(0, depth);
  const described = await Promise.all(arns.map((arn) => ecs.describeTaskDefinition(arn, signal)));
  return arns.map((arn, i) => ({ arn, record: readRevisionTags(described[i]?.tags ?? {}) }));
}
