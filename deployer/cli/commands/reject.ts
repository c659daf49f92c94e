// `npx ecs-gitops reject <service>`: never roll out the digest a gate holds.
import { printable } from '../format/text-table.ts';
import { nameWithState, serviceActionCommand } from './service-action.ts';

export const rejectCommand = serviceActionCommand({
  action: 'reject',
  summary: 'reject the rollout a gate holds: that digest is blocked',
  synopsis: 'reject <service>',
  description: `Rejects the digest the service's rollout is held for (by approval or a sync window). The
digest is blocked like a failed one (status Failed, reason Rejected) until a newer image arrives or
\`npx ecs-gitops approve <service>\` is run while it is held again. Recorded on the live task definition
revision in ECS, so a restarted deployer keeps it.`,
  describe: (answer) =>
    `${printable(answer.digest ?? 'the held digest')} rejected for ${nameWithState(answer)}; push a new image to deploy again.`,
});
