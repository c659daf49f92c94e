// `ecs-gitops status [service] [--json] [--watch]`: what the deployer sees, as a table or one service in
// detail; --watch redraws it on every change (the dashboard's event stream).
import { EXIT, UsageError } from '../cli-io.ts';
import { paintFor } from '../format/colour.ts';
import { serviceDetail, statusTable } from '../format/status-report.ts';
import { asDeployerStatus, asServiceStatus } from './answer-shape.ts';
import { CONNECTION_HELP, defineRemoteCommand, servicePath } from './remote-command.ts';
import { watchStatus } from './watch-status.ts';

export const statusCommand = defineRemoteCommand({
  name: 'status',
  summary: 'show desired vs live image and sync state of every service (or one)',
  usage: `Usage: ecs-gitops status [service] [--json | --watch]

Without a service: one line per service (SERVICE, STATE, HEALTH, DESIRED, LIVE, STEP, LAST ROLLOUT),
then rejected config errors and queue figures. With a service: its details, rollout history,
failed digests and recent ECS events.

Options:
  --json           print the deployer's status JSON unchanged (GET /status or /status/<service>)
  --watch          redraw on every status change until Ctrl-C (reconnects when the deployer restarts)
${CONNECTION_HELP}

Exit codes: 0 ok, 1 unknown service or deployer error, 3 deployer unreachable, 4 token refused, 64 usage.
`,
  options: { json: { type: 'boolean' }, watch: { type: 'boolean' } },
  positionals: { min: 0, max: 1, names: 'service' },
  async action({ io, positionals, values, get, events }) {
    const [service] = positionals;
    if (values.watch) {
      if (values.json)
        throw new UsageError('--watch and --json do not go together (curl -N <url>/events streams JSON)');
      return watchStatus(io, service, get, events);
    }
    if (service === undefined) {
      const status = asDeployerStatus(await get('/status'));
      io.stdout(
        values.json
          ? `${JSON.stringify(status, null, 2)}\n`
          : `${statusTable(status, paintFor(io.env, process.stdout.isTTY === true))}\n`,
      );
      return EXIT.ok;
    }
    const path = servicePath('/status', service);
    const detail = asServiceStatus(await get(path), path);
    io.stdout(values.json ? `${JSON.stringify(detail, null, 2)}\n` : `${serviceDetail(detail)}\n`);
    return EXIT.ok;
  },
});
