import { describe, expect, it } from 'vitest';
import { loadGitHubSettings } from '../../../deployer/github/github-settings.ts';
import { SettingsError } from '../../../deployer/runtime/settings.ts';

const PEM = '-----BEGIN RSA PRIVATE KEY-----\\nMIIB\\n-----END RSA PRIVATE KEY-----';
const problemsOf = (env: NodeJS.ProcessEnv): string[] => {
  try {
    loadGitHubSettings(env);
  } catch (error) {
    if (error instanceof SettingsError) return error.problems;
    throw error;
  }
  return [];
};

describe('loadGitHubSettings(env)', () => {
  it('is off without credentials', () => {
    expect(loadGitHubSettings({ GITHUB_REPOSITORY: 'o/r' })).toBeUndefined();
  });

  it('reads a token with defaults for the API URL, status context and write spacing', () => {
    expect(loadGitHubSettings({ GITHUB_TOKEN: 'github_pat_x', GITHUB_REPOSITORY: 'acme/config' })).toEqual({
      auth: { kind: 'token', token: 'github_pat_x' },
      apiUrl: 'https://api.github.com',
      owner: 'acme',
      repo: 'config',
      statusContext: 'ecs-gitops/config',
      // A second between writes, as GitHub's "Best practices for using the REST API" asks (the
      // integration and e2e tests write to the stand-in 10 ms apart).
      writeSpacingMs: 1_000,
    });
  });

  it('reads GITHUB_WRITE_SPACING_MS as whole milliseconds up to a minute', () => {
    const env = { GITHUB_TOKEN: 't', GITHUB_REPOSITORY: 'o/r' };
    expect(loadGitHubSettings({ ...env, GITHUB_WRITE_SPACING_MS: '10' })?.writeSpacingMs).toBe(10);
    expect(loadGitHubSettings({ ...env, GITHUB_WRITE_SPACING_MS: '0' })?.writeSpacingMs).toBe(0);
    for (const bad of ['-1', '1.5', 'fast', '60001'])
      expect(problemsOf({ ...env, GITHUB_WRITE_SPACING_MS: bad })).toEqual([
        `GITHUB_WRITE_SPACING_MS="${bad}" must be whole milliseconds, 0-60000 (default 1000, as GitHub asks)`,
      ]);
  });

  it('reads a GitHub App, turning literal \\n in the key into newlines', () => {
    const settings = loadGitHubSettings({
      GITHUB_APP_ID: '123',
      GITHUB_APP_PRIVATE_KEY: PEM,
      GITHUB_APP_INSTALLATION_ID: '456',
      GITHUB_REPOSITORY: 'acme/config',
      GITHUB_API_URL: 'http://127.0.0.1:4610/',
    });
    expect(settings).toMatchObject({
      auth: {
        kind: 'app',
        appId: '123',
        installationId: 456,
        privateKey: expect.stringContaining('KEY-----\nMIIB\n'),
      },
      apiUrl: 'http://127.0.0.1:4610',
    });
  });

  it('reads the opt-in pin pull requests with the branch and directory the deployer reads', () => {
    const env = {
      GITHUB_TOKEN: 't',
      GITHUB_REPOSITORY: 'o/r',
      CONFIG_REPOSITORY: 'https://github.com/o/r.git',
    };
    expect(loadGitHubSettings(env)?.pinPullRequests).toBeUndefined();
    expect(loadGitHubSettings({ ...env, GITHUB_PIN_PULL_REQUESTS: 'true' })?.pinPullRequests).toEqual({
      baseBranch: 'main',
      configDir: 'config',
    });
    expect(
      loadGitHubSettings({
        ...env,
        GITHUB_PIN_PULL_REQUESTS: 'true',
        CONFIG_BRANCH: 'prod',
        CONFIG_DIR: '/deploy/config/',
      })?.pinPullRequests,
    ).toEqual({ baseBranch: 'prod', configDir: 'deploy/config' });
  });

  it.each([
    [
      'token and app together',
      { GITHUB_TOKEN: 't', GITHUB_APP_ID: '1', GITHUB_REPOSITORY: 'o/r' },
      'not both',
    ],
    [
      'pin pull requests without a git config',
      { GITHUB_TOKEN: 't', GITHUB_REPOSITORY: 'o/r', GITHUB_PIN_PULL_REQUESTS: 'true' },
      'GITHUB_PIN_PULL_REQUESTS=true needs the config in git (CONFIG_REPOSITORY)',
    ],
    [
      'pin pull requests set to yes',
      { GITHUB_TOKEN: 't', GITHUB_REPOSITORY: 'o/r', GITHUB_PIN_PULL_REQUESTS: 'yes' },
      'GITHUB_PIN_PULL_REQUESTS="yes" must be true or false',
    ],
    [
      'no repository',
      { GITHUB_TOKEN: 't' },
      'GITHUB_REPOSITORY must name the config repository as owner/name',
    ],
    [
      'a repository URL instead of owner/name',
      { GITHUB_TOKEN: 't', GITHUB_REPOSITORY: 'https://github.com/o/r' },
      'owner/name',
    ],
    [
      'an app without installation',
      { GITHUB_APP_ID: '1', GITHUB_APP_PRIVATE_KEY: PEM, GITHUB_REPOSITORY: 'o/r' },
      'GITHUB_APP_INSTALLATION_ID',
    ],
    [
      'a key that is not PEM',
      {
        GITHUB_APP_ID: '1',
        GITHUB_APP_PRIVATE_KEY: 'abc',
        GITHUB_APP_INSTALLATION_ID: '2',
        GITHUB_REPOSITORY: 'o/r',
      },
      'PEM',
    ],
    [
      'an API URL that is not a URL',
      { GITHUB_TOKEN: 't', GITHUB_REPOSITORY: 'o/r', GITHUB_API_URL: 'api.github' },
      'GITHUB_API_URL',
    ],
  ])('reports %s', (_name, env, expected) => {
    expect(problemsOf(env).join('\n')).toContain(expected);
  });
});
