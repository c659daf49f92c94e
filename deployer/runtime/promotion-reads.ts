// What a promoted environment reads about the environment it is promoted from: the upstream ECS
// service's task definition family and that family's newest revisions with their tags, which record
// every rollout's digest and result there (revision-tags.ts). Read with the upstream's own clients
// (its Region and role), so a pipeline across accounts reads each account with its role.
import type { RevisionRecord } from '../domain/revision-tags.ts';
import type { ServiceConfig } from '../domain/types.ts';
import type { EcsPort } from '../ports.ts';
import { recentRevisions } from './rollout/recent-revisions.ts';

/** The upstream's recent rollout records, newest first. */
export async function upstreamRecords(
  ecs: EcsPort,
  upstream: ServiceConfig,
  signal: AbortSignal,
): Promise<RevisionRecord[]> {
  const service = await ecs.describeService(upstream.cluster, upstream.service, signal);
  const live = await ecs.describeTaskDefinition(service.taskDefinitionArn, signal);
  const revisions = await recentRevisions(ecs, live.taskDefinition.family, signal);
  return revisions.map((r) => r.record);
}
