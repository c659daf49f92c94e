// Step 1: register the new task definition revision, or find the one an interrupted attempt of the
// same rollout registered (its rollout id tag), so a crash never leaves two revisions for one rollout.
import { DeployerError } from '../../domain/errors.ts';
import { ROLLOUT_TAG_KEYS, renderTaskDefinition, rolloutTags } from '../../domain/task-definition.ts';
import type { TaskDefinition } from '../../domain/types.ts';
import { RESULT_IN_PROGRESS, RESULT_TAG_KEYS, type RolloutContext } from './rollout-context.ts';

/** Revisions of the family searched for our earlier work: a crash leaves it among the newest. */
const SEARCH_DEPTH = 10;

export interface RegisterInput {
  rolloutId: string;
  /** The revision the service runs now: the template for the new one. */
  template: TaskDefinition;
  image: string;
  digest: string;
  configRevision: string;
  startedAt: Date;
}

export async function registerRevision(
  ctx: RolloutContext,
  input: RegisterInput,
): Promise<{ arn: string; reused: boolean }> {
  ctx.onStep('Registering');
  const attempt: Record<string, string> = {
    [RESULT_TAG_KEYS.result]: RESULT_IN_PROGRESS,
    [RESULT_TAG_KEYS.startedAt]: input.startedAt.toISOString(),
  };
  if (input.template.taskDefinitionArn) attempt[RESULT_TAG_KEYS.previous] = input.template.taskDefinitionArn;
  const existing = await findRevision(ctx, input.template.family, input.rolloutId);
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
  const tags: Record<string, string> = {
    ...rolloutTags({
      rolloutId: input.rolloutId,
      configRevision: input.configRevision,
      digest: input.digest,
      service: ctx.service.name,
    }),
    ...attempt,
  };
  const arn = await ctx.ecs.registerTaskDefinition(rendered.value, tags, ctx.signal);
  ctx.log.info({ taskDefinitionArn: arn }, 'task definition registered');
  return { arn, reused: false };
}

export async function findRevision(
  ctx: Pick<RolloutContext, 'ecs' | 'signal'>,
  family: string,
  rolloutId: string,
): Promise<string | undefined> {
  if (!family)
    throw new DeployerError('TASK_DEFINITION_INVALID', 'task definition has no family', { retryable: false });
  const arns = (await ctx.ecs.listTaskDefinitions(family, ctx.signal)).slice(0, SEARCH_DEPTH);
  for (const arn of arns) {
    const described = await ctx.ecs.describeTaskDefinition(arn, ctx.signal);
    if (described.tags[ROLLOUT_TAG_KEYS.rolloutId] === rolloutId) return arn;
  }
  return undefined;
}
