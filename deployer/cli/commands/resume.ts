// `ecs-gitops resume <service>`: lift a suspension (or a rollback's hold) and reconcile.
import { nameWithState, serviceActionCommand } from './service-action.ts';

export const resumeCommand = serviceActionCommand({
  action: 'resume',
  waitable: true,
  summary: 'resume tracking of a suspended service and reconcile it',
  synopsis: 'resume <service> [--wait [--timeout <seconds>]]',
  description: `Lifts a runtime suspension (from \`suspend\` or \`rollback\`) and queues a reconcile, so the
service moves to the desired image again. A \`suspended: true\` in config still wins.`,
  describe: (answer) => `${nameWithState(answer)} resumed; reconcile queued.`,
});
