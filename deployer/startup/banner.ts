// What a human needs after `npm start`: where to look, how to authenticate, what to try first.
import { redactUrl } from '../adapters/git/run-git.ts';
import { cliHint } from '../cli/cli-io.ts';
import type { LocalMode } from './local-mode.ts';

const DEFAULT_ECR_URL = 'http://127.0.0.1:4602';

export function localBanner(deployerUrl: string, local: LocalMode): string {
  const { settings, world, generated } = local;
  const note = (isGenerated: boolean) => (isGenerated ? '   (generated for this run)' : '');
  const lines = [
    '',
    'ecs-gitops deployer is up (local mode)',
    `  dashboard        ${deployerUrl}/`,
    `  status (JSON)    ${deployerUrl}/status`,
    `  metrics          ${deployerUrl}/metrics`,
    `  API token        ${settings.statusToken}${note(generated.statusToken)}`,
    `  webhook secret   ${settings.githubWebhookSecret}${note(generated.githubWebhookSecret)}`,
    `  config           ${settings.config.kind === 'git' ? `${redactUrl(settings.config.repository)} (${settings.config.branch})` : `${settings.config.path} (edits are picked up)`}`,
  ];
  if (world) {
    lines.push(
      `  actors           ${world.serviceUrl('actors')}   user ${world.actorsCredentials.user} / password ${world.actorsCredentials.password}`,
    );
  }
  if (local.github) {
    // Deployments are made for rollouts of config commits; a plain directory has none.
    const what =
      settings.config.kind === 'git'
        ? 'deployments and commit statuses of config commits'
        : 'shows deployments once CONFIG_REPOSITORY is a git repository';
    lines.push(`  GitHub (stand-in) ${local.github.url}/   ${what}`);
  }
  // local:push defaults to the fixed ECR port; say where ECR is when LOCAL_ECR_PORT moved it.
  const ecr = world?.endpoints.ecr;
  const pushPrefix = ecr && ecr !== DEFAULT_ECR_URL ? `LOCAL_ECR_URL=${ecr} ` : '';
  lines.push(
    '',
    'Try:',
    `  ${pushPrefix}npm run local:push -- actors 1.1.0   push a new image and watch it roll out`,
    `  ECS_GITOPS_URL=${deployerUrl} ECS_GITOPS_TOKEN=${settings.statusToken} ${cliHint('status')}`,
    '',
    'Ctrl-C stops the deployer and the local world.',
    '',
  );
  return lines.join('\n');
}
