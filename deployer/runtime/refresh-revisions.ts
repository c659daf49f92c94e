// The task definitions a status refresh needs for one service (status-refresh.ts): the PRIMARY and
// ACTIVE revisions, read again from ECS while they may move (their tags change as a rollout goes on),
// the rollout followed, and the revisions they replaced (immutable: the kept copy by ARN will do).
import { readRevisionTags } from '../domain/revision-tags.ts';
import type { LiveService } from '../domain/types.ts';
import type { DescribedTaskDefinition, EcsPort } from '../ports.ts';
import type { RateLimiter } from '../shared/rate-limiter.ts';

export async function liveRevisions(
  /** `ecs` caches by ARN; its `authoritative` twin always asks ECS, under the refresh's budget. */
  deps: { ecs: EcsPort & { authoritative: EcsPort }; limiter: RateLimiter },
  live: LiveService,
  /** The revision of a rollout seen in flight, if the refresh follows one. */
  followed: string | undefined,
  signal: AbortSignal,
): Promise<Map<string, DescribedTaskDefinition>> {
  const { ecs, limiter } = deps;
  const revisions = new Map<string, DescribedTaskDefinition>();
  const inMotion =
    live.deployments.length > 1 ||
    live.deployments.some((d) => d.rolloutState !== undefined && d.rolloutState !== 'COMPLETED');
  const fresh = new Set([
    ...(inMotion ? live.deployments.map((d) => d.taskDefinitionArn) : []),
    ...(followed ? [followed] : []),
  ]);
  const read = async (arn: string, authoritative: boolean) => {
    if (revisions.has(arn)) return;
    if (authoritative) await limiter.acquire('DescribeTaskDefinition', signal);
    revisions.set(arn, await (authoritative ? ecs.authoritative : ecs).describeTaskDefinition(arn, signal));
  };
  await read(live.taskDefinitionArn, fresh.has(live.taskDefinitionArn));
  for (const arn of fresh) await read(arn, true);
  if (fresh.size > 0)
    for (const described of [...revisions.values()]) {
      const previous = readRevisionTags(described.tags).previousArn;
      if (previous) await read(previous, false);
    }
  return revisions;
}
