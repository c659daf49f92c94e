// `ecs-gitops sync <service>`: reconcile now, retrying digests that failed before.
import { cliHint } from '../cli-io.ts';
import { nameWithState, serviceActionCommand } from './service-action.ts';

export const syncCommand = serviceActionCommand({
  action: 'sync',
  waitable: true,
  summary: 'reconcile a service now, retrying failed digests',
  synopsis: 'sync <service> [--override-window] [--wait [--timeout <seconds>]]',
  description: `Queues a reconcile of the service now instead of waiting for the next event or resync, and
forgets the digests that failed before, so a broken image that was fixed under the same digest
(or a flaky verification) is tried again. A rollout held by a sync window (OutsideWindow) stays
held unless --override-window is given; the deployer logs the override with the token's name.`,
  extraOptions: { 'override-window': { type: 'boolean' } },
  extraHelp: "  --override-window  start the rollout even outside the service's sync windows (logged)",
  body: (values) => (values['override-window'] ? { overrideWindow: true } : undefined),
  describe: (answer) =>
    `sync of ${nameWithState(answer)} queued. Follow it with: ${cliHint(`status ${answer.service}`)}`,
});
