// Links people can open (github.com pages), made from the REST API root the deployer talks to:
// api.github.com → github.com, a GitHub Enterprise Server `https://HOST/api/v3` → `https://HOST`,
// anything else (the local stand-in) → its own origin, which serves an overview page on any path.
export interface GitHubLinks {
  repository: string;
  commit(sha: string): string;
  /** The environment's deployments page (GitHub has no page per deployment). */
  deployments(environment: string): string;
}

export function githubLinks(apiUrl: string, owner: string, repo: string): GitHubLinks {
  const repository = `${webRoot(apiUrl)}/${owner}/${repo}`;
  return {
    repository,
    commit: (sha) => `${repository}/commit/${sha}`,
    deployments: (environment) => `${repository}/deployments/${encodeURIComponent(environment)}`,
  };
}

function webRoot(apiUrl: string): string {
  const url = new URL(apiUrl);
  if (url.hostname === 'api.github.com') return 'https://github.com';
  const enterprise = url.pathname.replace(/\/+$/, '');
  if (enterprise.endsWith('/api/v3')) return `${url.origin}${enterprise.slice(0, -'/api/v3'.length)}`;
  return url.origin;
}
