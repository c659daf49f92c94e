// Step 1: register the new task definition revision, or find the one an interrupted attempt of the
// same rollout registered (its rollout id tag), so a crash never leaves two revisions for one rollout.
import { revisionTags } from '../../domain/revision-tags.ts';
import { renderTaskDefinition } from '../../domain/task-definition.ts';
import type { TaskDefinition } from '../../domain/types.ts';
import { type RecentRevision, recentRevisions } from './recent-revisions.ts';
import type { RolloutContext } from './rollout-context.ts';

export interface RegisterInput {
  rolloutId: string;
  /** The revision the service runs now: the template for the new one. */
  template: TaskDefinition;
  image: string;
  digest: string;
  /** The image tag the policy chose. */
  tag?: string;
  configRevision: string;
  startedAt: Date;
  /** The family's newest revisions when the caller already read them. */
  recent?: readonly RecentRevision[];
}

export async function registerRevision(
  ctx: RolloutContext,
  input: RegisterInput,
): Promise<{ arn: string; reused: boolean }> {
  ctx.onStep('Registering');
  const attempt = revisionTags({
    result: 'InProgress',
    startedAt: input.startedAt.toISOString(),
    ...(input.template.taskDefinitionArn ? { previousArn: input.template.taskDefinitionArn } : {}),
    // Each attempt records its own cause: a forced retry is the operator's, not the first push's.
    ...(ctx.trigger ? { trigger: ctx.trigger } : {}),
  });
  const recent = input.recent ?? (await recentRevisions(ctx.ecs, input.template.family, ctx.signal));
  const existing = recent.find((r) => r.record.rolloutId === input.rolloutId)?.arn;
  if (existing) {
    // A retry (after a crash, or a forced one after a failure) is a new attempt: a crash during it
    // must resume it, and a rollback must return to what runs now.
    await ctx.ecs.tagResource(existing, attempt, ctx.signal);
    ctx.log.info({ taskDefinitionArn: existing }, 'reusing the revision an earlier attempt registered');
    return { arn: existing, reused: true };
  }
  const rendered = renderTaskDefinition(input.template, {
    container: ctx.service.container,
    image: input.image,
    digest: input.digest,
    configRevision: input.configRevision,
  });
  if (!rendered.ok) throw rendered.error;
  const tags = {
    ...revisionTags({
      rolloutId: input.rolloutId,
      configRevision: input.configRevision,
      digest: input.digest,
      service: ctx.service.name,
      ...(input.tag ? { imageTag: input.tag } : {}),
    }),
    ...attempt,
  };
  const arn = await ctx.ecs.registerTaskDefinition(rendered.value, tags, ctx.signal);
  ctx.log.info({ taskDefinitionArn: arn }, 'task definition registered');
  return { arn, reused: false };
}
