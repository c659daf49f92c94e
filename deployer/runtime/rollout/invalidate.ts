// Step 5: invalidate the CDN so users get the new version. The rollout id is the CallerReference:
// repeating the step after a crash returns the earlier invalidation instead of creating a second one.
import type { CdnSettings } from '../../domain/types.ts';
import type { InvalidationStatus } from '../../ports.ts';
import type { RolloutContext } from './rollout-context.ts';

export async function invalidateCdn(
  ctx: RolloutContext,
  cdn: CdnSettings,
  rolloutId: string,
): Promise<InvalidationStatus> {
  ctx.onStep('Invalidating');
  const invalidation = await ctx.cdn.createInvalidation(cdn.distributionId, cdn.paths, rolloutId, ctx.signal);
  ctx.log.info(
    { distributionId: cdn.distributionId, invalidationId: invalidation.id, paths: cdn.paths },
    'CDN invalidation created',
  );
  return invalidation;
}
