// `owner/name` of the config repository when CONFIG_REPOSITORY is a GitHub-style remote, so the
// webhook can ignore pushes from other repositories (an organisation-wide webhook, a reused secret).
// Local paths and unrecognised remotes give undefined: no filter rather than a wrong one.
const SCP_LIKE = /^[\w.-]+@[\w.-]+:(?<path>[^\\]+)$/; // git@github.com:owner/name.git

export function githubRepositoryName(remote: string): string | undefined {
  let repoPath: string | undefined;
  const scp = SCP_LIKE.exec(remote);
  if (scp?.groups?.path && !remote.includes('://')) {
    repoPath = scp.groups.path;
  } else {
    try {
      const url = new URL(remote);
      if (!['https:', 'http:', 'ssh:', 'git:'].includes(url.protocol)) return undefined;
      repoPath = decodeURIComponent(url.pathname);
    } catch {
      return undefined;
    }
  }
  const parts = repoPath
    .replace(/\/+$/, '')
    .replace(/\.git$/, '')
    .split('/')
    .filter(Boolean);
  if (parts.length !== 2) return undefined;
  const [owner, name] = parts as [string, string];
  const valid = /^[A-Za-z0-9_.-]+$/;
  return valid.test(owner) && valid.test(name) ? `${owner}/${name}` : undefined;
}
