// `ecs-gitops sync <service>`: reconcile now, retrying digests that failed before.
import { cliHint } from '../cli-io.ts';
import { nameWithState, serviceActionCommand } from './service-action.ts';

export const syncCommand = serviceActionCommand({
  action: 'sync',
  waitable: true,
  summary: 'reconcile a service now, retrying failed digests',
  synopsis: 'sync <service> [--wait [--timeout <seconds>]]',
  description: `Queues a reconcile of the service now instead of waiting for the next event or resync, and
forgets the digests that failed before, so a broken image that was fixed under the same digest
(or a flaky verification) is tried again.`,
  describe: (answer) =>
    `sync of ${nameWithState(answer)} queued. Follow it with: ${cliHint(`status ${answer.service}`)}`,
});
