// `ecs-gitops refresh`: re-read the config now (the directory on disk, or the branch head) instead of
// waiting for a watch event, a push or the periodic resync; prints what is in force afterwards.
import type { RefreshResponse } from '../../http/api-routes.ts';
import { CONFIG_REFRESH_PATH } from '../../http/api-routes.ts';
import { shortRevision } from '../../present/format-values.ts';
import { cliHint, EXIT } from '../cli-io.ts';
import { configProblems } from '../format/status-report.ts';
import { CONNECTION_HELP, DeployerAnswerError, defineRemoteCommand } from './remote-command.ts';

export const refreshCommand = defineRemoteCommand({
  name: 'refresh',
  summary: 're-read the config now and apply it when valid',
  usage: `Usage: ecs-gitops refresh [--json]

Makes the deployer read its config source now (the directory, or the branch head of the git
repository) and apply it when it is a new valid revision; every service is then reconciled.
An invalid revision is rejected with its errors and the last good one stays in force.
\`${cliHint('sync <service>')}\` re-reads the config the same way before it reconciles.

Options:
  --json           print the deployer's answer as JSON
${CONNECTION_HELP}

Needs the API token (STATUS_TOKEN) in every mode: --token or ECS_GITOPS_TOKEN.
Exit codes: 0 applied or unchanged, 1 the config at the source is invalid (errors printed) or deployer
error, 3 deployer unreachable, 4 token missing or refused, 64 usage.
`,
  options: { json: { type: 'boolean' } },
  positionals: { min: 0, max: 0, names: '' },
  async action({ io, values, post }) {
    const answer = asRefreshResponse(await post(CONFIG_REFRESH_PATH));
    const { config } = answer;
    const rejected = answer.outcome === 'rejected' || config.errors.length > 0;
    if (values.json) io.stdout(`${JSON.stringify(answer, null, 2)}\n`);
    else if (rejected) io.stderr(`${configProblems({ config }).join('\n').trim()}\n`);
    else
      io.stdout(
        answer.outcome === 'applied'
          ? `config ${shortRevision(config.revision)} applied; every service is being reconciled\n`
          : `config unchanged: ${shortRevision(config.revision) || 'none'} is in force (read ${config.readAt ?? 'never'})\n`,
      );
    return rejected ? EXIT.failed : EXIT.ok;
  },
});

function asRefreshResponse(body: unknown): RefreshResponse {
  const answer = body as Partial<RefreshResponse> | undefined;
  if (
    typeof answer !== 'object' ||
    answer === null ||
    typeof answer.outcome !== 'string' ||
    typeof answer.config !== 'object' ||
    answer.config === null ||
    !Array.isArray(answer.config.errors)
  )
    throw new DeployerAnswerError(
      200,
      undefined,
      `unexpected answer from ${CONFIG_REFRESH_PATH}: is this an ecs-gitops deployer?`,
    );
  return answer as RefreshResponse;
}
