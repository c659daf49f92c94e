// Step 2: point the service at our revision, unless its PRIMARY deployment already uses it (a retry
// after a crash between update and wait must not start a second deployment).
import type { RolloutContext } from './rollout-context.ts';

export async function updateService(ctx: RolloutContext, taskDefinitionArn: string): Promise<boolean> {
  ctx.onStep('Updating');
  const { cluster, service } = ctx.service;
  const live = await ctx.ecs.describeService(cluster, service, ctx.signal);
  const primary = live.deployments.find((d) => d.status === 'PRIMARY');
  if ((primary?.taskDefinitionArn ?? live.taskDefinitionArn) === taskDefinitionArn) {
    ctx.log.info({ taskDefinitionArn }, 'service already deploys this revision; not updating again');
    return false;
  }
  await ctx.ecs.updateService(cluster, service, taskDefinitionArn, ctx.signal);
  ctx.log.info({ taskDefinitionArn }, 'service updated');
  return true;
}
