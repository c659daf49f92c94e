// GitHub reporting settings (deployments and commit statuses), read from the environment beside the
// deployer's own settings. Unset means off. Every problem is reported at once, naming the variable.
import { SETTINGS_DEFAULTS, SettingsError } from '../runtime/settings.ts';

export type GitHubAuth =
  /** A fine-grained personal access token (or any token) with deployments: write and statuses: write. */
  | { kind: 'token'; token: string }
  /** A GitHub App: the deployer mints installation tokens from the app's private key. */
  | { kind: 'app'; appId: string; privateKey: string; installationId: number };

export interface GitHubSettings {
  auth: GitHubAuth;
  /** REST API root: https://api.github.com, a GitHub Enterprise Server `/api/v3`, or the stand-in. */
  apiUrl: string;
  owner: string;
  repo: string;
  /** Context of the commit status posted when a config commit is rejected. */
  statusContext: string;
  /**
   * Least time between two writes (POST, PATCH, PUT, DELETE): "Best practices for using the REST API"
   * asks for at least one second between them (the default); only a stand-in is written to faster.
   */
  writeSpacingMs?: number;
  /**
   * Opt-in (GITHUB_PIN_PULL_REQUESTS=true): after a rollback, open a pull request pinning the version
   * ECS runs again in `<configDir>/services/<name>.yaml` on `baseBranch` (the branch the deployer reads).
   */
  pinPullRequests?: PinPullRequestSettings;
}

export interface PinPullRequestSettings {
  baseBranch: string;
  /** Directory of the config inside the repository (CONFIG_DIR): files are `<configDir>/services/<name>.yaml`. */
  configDir: string;
}

export const GITHUB_DEFAULTS = {
  apiUrl: 'https://api.github.com',
  statusContext: 'ecs-gitops/config',
  writeSpacingMs: 1_000,
} as const;

/** Reads the GitHub settings; undefined when no credential is set; throws a SettingsError on bad values. */
export function loadGitHubSettings(env: NodeJS.ProcessEnv): GitHubSettings | undefined {
  const text = (name: string) => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const problems: string[] = [];
  const token = text('GITHUB_TOKEN');
  const appId = text('GITHUB_APP_ID');
  const privateKey = text('GITHUB_APP_PRIVATE_KEY');
  const installation = text('GITHUB_APP_INSTALLATION_ID');
  const anyApp = appId !== undefined || privateKey !== undefined || installation !== undefined;
  if (token === undefined && !anyApp) return undefined;

  let auth: GitHubAuth | undefined;
  if (token !== undefined && anyApp)
    problems.push('set either GITHUB_TOKEN or the GITHUB_APP_* variables, not both');
  else if (token !== undefined) auth = { kind: 'token', token };
  else {
    if (appId === undefined || !/^\d+$/.test(appId))
      problems.push('GITHUB_APP_ID must be the numeric App ID (App settings → General → App ID)');
    // Secrets Manager and .env files often carry the PEM with literal \n: accept both.
    const pem = privateKey?.replaceAll('\\n', '\n');
    if (pem === undefined || !/-----BEGIN (RSA )?PRIVATE KEY-----/.test(pem))
      problems.push(
        'GITHUB_APP_PRIVATE_KEY must hold the App private key (PEM, -----BEGIN RSA PRIVATE KEY-----)',
      );
    if (installation === undefined || !/^\d+$/.test(installation))
      problems.push(
        'GITHUB_APP_INSTALLATION_ID must be the numeric installation id (from the installation page URL)',
      );
    if (problems.length === 0 && appId && pem && installation)
      auth = { kind: 'app', appId, privateKey: pem, installationId: Number(installation) };
  }

  const repository = text('GITHUB_REPOSITORY');
  const [owner, repo, extra] = repository?.split('/') ?? [];
  const part = /^[A-Za-z0-9_.-]+$/;
  if (
    repository === undefined ||
    extra !== undefined ||
    !owner ||
    !repo ||
    !part.test(owner) ||
    !part.test(repo)
  )
    problems.push(
      `GITHUB_REPOSITORY${repository === undefined ? '' : `=${JSON.stringify(repository)}`} must name the config repository as owner/name`,
    );

  const apiUrl = (text('GITHUB_API_URL') ?? GITHUB_DEFAULTS.apiUrl).replace(/\/+$/, '');
  try {
    const parsed = new URL(apiUrl);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error('scheme');
  } catch {
    problems.push(`GITHUB_API_URL=${JSON.stringify(apiUrl)} must be an http(s) URL`);
  }
  const statusContext = text('GITHUB_STATUS_CONTEXT') ?? GITHUB_DEFAULTS.statusContext;
  const spacing = text('GITHUB_WRITE_SPACING_MS');
  const writeSpacingMs = spacing === undefined ? GITHUB_DEFAULTS.writeSpacingMs : Number(spacing);
  if (!/^\d{1,5}$/.test(spacing ?? '0') || writeSpacingMs > 60_000)
    problems.push(
      `GITHUB_WRITE_SPACING_MS=${JSON.stringify(spacing)} must be whole milliseconds, 0-60000 (default 1000, as GitHub asks)`,
    );
  const pinPullRequests = loadPinSettings(text, problems);

  if (problems.length > 0 || !auth) throw new SettingsError(problems);
  return {
    auth,
    apiUrl,
    owner: owner as string,
    repo: repo as string,
    statusContext,
    writeSpacingMs,
    ...(pinPullRequests ? { pinPullRequests } : {}),
  };
}

function loadPinSettings(
  text: (name: string) => string | undefined,
  problems: string[],
): PinPullRequestSettings | undefined {
  const enabled = text('GITHUB_PIN_PULL_REQUESTS');
  if (enabled === undefined || enabled === 'false') return undefined;
  if (enabled !== 'true') {
    problems.push(`GITHUB_PIN_PULL_REQUESTS=${JSON.stringify(enabled)} must be true or false`);
    return undefined;
  }
  if (text('CONFIG_REPOSITORY') === undefined) {
    problems.push(
      'GITHUB_PIN_PULL_REQUESTS=true needs the config in git (CONFIG_REPOSITORY): the pin is proposed on the branch the deployer reads',
    );
    return undefined;
  }
  return {
    baseBranch: text('CONFIG_BRANCH') ?? SETTINGS_DEFAULTS.configBranch,
    configDir: (text('CONFIG_DIR') ?? SETTINGS_DEFAULTS.configDir).replace(/^\/+|\/+$/g, ''),
  };
}
