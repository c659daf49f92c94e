// Step 5: invalidate the CDN so users get the new version. The rollout id is the CallerReference:
// repeating the step after a crash returns the earlier invalidation instead of creating a second one.
// It runs after the revision is recorded as Succeeded with the invalidation Pending, so a CDN error
// never fails or repeats a verified rollout: reconcile retries the invalidation on its own.
import { revisionTags } from '../../domain/revision-tags.ts';
import type { CdnSettings } from '../../domain/types.ts';
import type { InvalidationStatus } from '../../ports.ts';
import type { RolloutContext } from './rollout-context.ts';

export async function invalidateCdn(
  ctx: RolloutContext,
  cdn: CdnSettings,
  rollout: { rolloutId: string; taskDefinitionArn: string },
): Promise<InvalidationStatus> {
  ctx.onStep('Invalidating');
  const invalidation = await ctx.cdn.createInvalidation(
    cdn.distributionId,
    cdn.paths,
    rollout.rolloutId,
    ctx.signal,
  );
  ctx.log.info(
    { distributionId: cdn.distributionId, invalidationId: invalidation.id, paths: cdn.paths },
    'CDN invalidation created',
  );
  await ctx.ecs.tagResource(rollout.taskDefinitionArn, revisionTags({ invalidation: 'Done' }), ctx.signal);
  return invalidation;
}

/** Invalidates after a verified rollout; a failure is returned (the rollout stands), an abort thrown. */
export async function invalidateAfterRollout(
  ctx: RolloutContext,
  cdn: CdnSettings,
  rollout: { rolloutId: string; taskDefinitionArn: string },
): Promise<unknown> {
  try {
    await invalidateCdn(ctx, cdn, rollout);
    return undefined;
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    ctx.log.warn(
      { err: error, distributionId: cdn.distributionId },
      'CDN invalidation failed; it is retried',
    );
    return error;
  }
}
