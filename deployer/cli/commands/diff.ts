// `ecs-gitops diff`: desired vs live per service; exit 0 when everything is in sync, 2 when not (like diff(1)).
import { EXIT } from '../cli-io.ts';
import { paintFor } from '../format/colour.ts';
import { diffStatus, diffText } from '../format/diff-report.ts';
import { asDeployerStatus } from './answer-shape.ts';
import { CONNECTION_HELP, defineRemoteCommand, REMOTE_EXIT } from './remote-command.ts';

export const diffCommand = defineRemoteCommand({
  name: 'diff',
  summary: 'compare desired and live image per service; exit 2 when anything differs',
  usage: `Usage: ecs-gitops diff [--json]

One line per service: '=' when the live image digest is the desired one, '~' when not, with why
(a rollout in progress, a failed digest, suspended, nothing matching the policy). A rejected
config revision also counts as a difference: git says something the deployer does not apply.

Options:
  --json           print {inSync, services: [{service, inSync, desired, live, state, detail}], configErrors}
${CONNECTION_HELP}

Exit codes: 0 everything in sync, 2 differences found, 1 deployer error, 3 deployer unreachable,
4 token refused, 64 usage.
`,
  options: { json: { type: 'boolean' } },
  positionals: { min: 0, max: 0, names: '' },
  async action({ io, values, get }) {
    const status = asDeployerStatus(await get('/status'));
    const report = diffStatus(status);
    io.stdout(
      values.json
        ? `${JSON.stringify(report, null, 2)}\n`
        : `${diffText(status, report, paintFor(io.env, process.stdout.isTTY === true))}\n`,
    );
    return report.inSync ? EXIT.ok : REMOTE_EXIT.differences;
  },
});
