// Where history links point, from the settings: the AWS consoles of the deployer's region (aws mode),
// and GitHub when the config repository is known to live there (the GitHub reporter's repository, or
// a github.com config remote). Local mode links only to what exists locally: the stand-ins have no
// consoles and the GitHub stand-in no web pages, so those links are left out.

import { githubWebUrl, type HistoryLinkSettings } from '../domain/history-links.ts';
import type { GitHubSettings } from '../github/github-settings.ts';
import { githubRepositoryName } from '../http/github-repository-name.ts';
import type { Settings } from '../runtime/settings.ts';

export function historyLinkSettings(
  settings: Pick<Settings, 'mode' | 'region' | 'config'>,
  github: GitHubSettings | undefined,
): HistoryLinkSettings {
  const links: HistoryLinkSettings = { mode: settings.mode, region: settings.region };
  const reporterWeb = github ? githubWebUrl(github.apiUrl) : undefined;
  if (github && reporterWeb) {
    links.github = { webUrl: reporterWeb, repository: `${github.owner}/${github.repo}`, deployments: true };
    return links;
  }
  if (settings.config.kind === 'git' && /(^|[@/])github\.com[:/]/.test(settings.config.repository)) {
    const repository = githubRepositoryName(settings.config.repository);
    if (repository) links.github = { webUrl: 'https://github.com', repository, deployments: false };
  }
  return links;
}
