// `ecs-gitops resume <service>`: lift a suspension (or a rollback's hold) and reconcile.
import { cliHint } from '../cli-io.ts';
import { printable } from '../format/text-table.ts';
import { type ActionAnswer, serviceActionCommand } from './service-action.ts';

export const resumeCommand = serviceActionCommand({
  action: 'resume',
  waitable: true,
  summary: 'resume tracking of a suspended service and reconcile it',
  synopsis: 'resume <service> [--wait [--timeout <seconds>]]',
  description: `Lifts a runtime suspension (from \`suspend\` or \`rollback\`) and queues a reconcile, so the
service moves to the desired image again. A \`suspended: true\` in config still wins. A service that
is not suspended is left alone (exit 1, saying so).`,
  describe: resumed,
});

/**
 * The status in the answer is from before the queued reconcile, so its state still reads Suspended:
 * say what happens next instead, and whether the config still holds the service.
 */
function resumed(answer: ActionAnswer): string {
  const name = printable(answer.service);
  const sync = answer.status?.sync;
  // Reason `Suspended` (not SuspendedByApi or ManualRollback) is `suspended: true` in the config.
  if (sync?.state === 'Suspended' && sync.reason === 'Suspended')
    return `${name} resumed, but its config still suspends it: set suspended: false in its config file to deploy again.`;
  return `${name} resumed; reconcile queued. Follow it with: ${cliHint(`status ${answer.service}`)}`;
}
