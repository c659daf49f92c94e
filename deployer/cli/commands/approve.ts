// `npx ecs-gitops approve <service>`: let the digest held at PendingApproval roll out.
import { printable } from '../format/text-table.ts';
import { nameWithState, serviceActionCommand } from './service-action.ts';

export const approveCommand = serviceActionCommand({
  action: 'approve',
  waitable: true,
  summary: 'approve the rollout a gate holds (approval: manual)',
  synopsis: 'approve <service> [--wait [--timeout <seconds>]]',
  description: `Approves the digest the service's rollout is held for (status reason PendingApproval) and
reconciles it now. The approval is for that digest only: a newer image needs a new approval. It is
recorded as a tag on the task definition revision the service runs, so a restarted deployer keeps it.
Sync windows still apply: outside them the rollout waits (or use \`sync --override-window\`).`,
  describe: (answer) =>
    `${printable(answer.digest ?? 'the held digest')} approved for ${nameWithState(answer)}; the rollout is queued. Follow it with: npx ecs-gitops status ${answer.service}`,
});
