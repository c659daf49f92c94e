// `ecs-gitops history <service> [--limit n] [--json]`: the revisions of a service's task definition
// family, newest first: result, image, what triggered each rollout (commit and author, image push,
// the operator's token), when, and links to GitHub, the ECS console and CloudWatch Logs.
import { checkServiceHistory } from '../../contract/check-history.ts';
import type { ServiceHistory } from '../../contract/history-model.ts';
import { HISTORY_DEFAULT_LIMIT, HISTORY_MAX_LIMIT } from '../../runtime/service-history.ts';
import { cliHint, EXIT, UsageError } from '../cli-io.ts';
import { paintFor } from '../format/colour.ts';
import { historyTable } from '../format/history-report.ts';
import { CONNECTION_HELP, DeployerAnswerError, defineRemoteCommand, servicePath } from './remote-command.ts';

export const historyCommand = defineRemoteCommand({
  name: 'history',
  summary: 'list the revisions of a service with result, image, trigger and links',
  usage: `Usage: ecs-gitops history <service> [--limit <n>] [--json]

The active task definition revisions of the service's family, newest first (* marks the live one):
the rollout result and reason, the image, what triggered it (a git push with its commit and author,
an image push with its tag, a manual sync or rollback with the API token's name, a config change, a
resync), when it started and how long it took; then links of the newest revision (commit, GitHub
deployments, ECS console, CloudWatch logs). Read from the revisions' ECS tags: it survives restarts.
A revision name (family:revision) is what \`${cliHint('rollback <service> --to')}\` takes.

Options:
  --limit <n>      revisions to show, 1 to ${HISTORY_MAX_LIMIT} (default ${HISTORY_DEFAULT_LIMIT})
  --json           print the deployer's answer as JSON (GET /api/services/<service>/history)
${CONNECTION_HELP}

Exit codes: 0 ok, 1 unknown service or deployer error, 3 deployer unreachable, 4 token refused, 64 usage.
`,
  options: { json: { type: 'boolean' }, limit: { type: 'string' } },
  positionals: { min: 1, max: 1, names: 'service name' },
  async action({ io, positionals, values, get }) {
    const service = positionals[0] as string;
    const limit = parseLimit(values.limit);
    const path = `${servicePath('/api/services', service, '/history')}${limit === undefined ? '' : `?limit=${limit}`}`;
    const history = asServiceHistory(await get(path), path);
    io.stdout(
      values.json
        ? `${JSON.stringify(history, null, 2)}\n`
        : `${historyTable(history, paintFor(io.env, process.stdout.isTTY === true))}\n`,
    );
    return EXIT.ok;
  },
});

function parseLimit(value: string | boolean | undefined): number | undefined {
  if (value === undefined) return undefined;
  const limit = Number(value);
  if (typeof value !== 'string' || !/^\d+$/.test(value) || limit < 1 || limit > HISTORY_MAX_LIMIT)
    throw new UsageError(
      `--limit must be a whole number from 1 to ${HISTORY_MAX_LIMIT}, got ${JSON.stringify(value)}`,
    );
  return limit;
}

function asServiceHistory(body: unknown, path: string): ServiceHistory {
  const checked = checkServiceHistory(body);
  if (checked.ok) return checked.value;
  throw new DeployerAnswerError(
    200,
    'NOT_A_DEPLOYER',
    `GET ${path} did not answer like an ecs-gitops deployer (${checked.problem}); check --url / ECS_GITOPS_URL`,
  );
}
