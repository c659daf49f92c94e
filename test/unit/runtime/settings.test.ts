import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSettings, SettingsError } from '../../../deployer/runtime/settings.ts';

const AWS_ENV = {
  DEPLOYER_MODE: 'aws',
  AWS_REGION: 'eu-west-1',
  QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/intake.fifo',
  CONFIG_REPOSITORY: 'https://github.com/acme/deploy-config.git',
  GITHUB_WEBHOOK_SECRET: 'hook-secret-0123456789',
  STATUS_TOKEN: 'status-token-0123456789',
};

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadSettings(env);
  } catch (error) {
    if (error instanceof SettingsError) return error.problems;
    throw error;
  }
  throw new Error('expected loadSettings to throw');
}

describe('loadSettings', () => {
  it('loadSettings allows private verify URLs by default in local mode only, and reads VERIFY_ALLOW_PRIVATE_NETWORKS', () => {
    expect(loadSettings({}).verifyAllowPrivateNetworks).toBe(true);
    expect(loadSettings(AWS_ENV).verifyAllowPrivateNetworks).toBe(false);
    expect(
      loadSettings({ ...AWS_ENV, VERIFY_ALLOW_PRIVATE_NETWORKS: 'true' }).verifyAllowPrivateNetworks,
    ).toBe(true);
    expect(loadSettings({ VERIFY_ALLOW_PRIVATE_NETWORKS: 'false' }).verifyAllowPrivateNetworks).toBe(false);
    expect(() => loadSettings({ VERIFY_ALLOW_PRIVATE_NETWORKS: 'yes' })).toThrow(
      'VERIFY_ALLOW_PRIVATE_NETWORKS="yes" must be true or false',
    );
  });

  it('reads STACK_VALUES (the stack values for config placeholders) and names it when malformed', () => {
    expect(loadSettings(AWS_ENV).stackValues).toBeUndefined();
    const values = { DistributionId: 'E2EXAMPLE', CloudFrontUrl: 'https://d1.cloudfront.net' };
    expect(loadSettings({ ...AWS_ENV, STACK_VALUES: JSON.stringify(values) }).stackValues).toEqual(values);
    expect(problemsOf({ ...AWS_ENV, STACK_VALUES: '{"DistributionId":1}' })).toEqual([
      'STACK_VALUES: DistributionId must be a non-empty string, got 1',
    ]);
  });

  it('loadSettings reads named, scoped API_TOKENS beside STATUS_TOKEN (operate, named status-token)', () => {
    const viewer = 'v'.repeat(32);
    const ci = 'c'.repeat(32);
    const settings = loadSettings({ ...AWS_ENV, API_TOKENS: `viewer:read:${viewer}, ci:operate:${ci}` });
    expect(settings.apiTokens.map(({ name, scope }) => `${name}:${scope}`)).toEqual([
      'status-token:operate',
      'viewer:read',
      'ci:operate',
    ]);
    expect(() => loadSettings({ ...AWS_ENV, API_TOKENS: 'viewer:admin:x,Bad:read:y' })).toThrow(
      'API_TOKENS entry 1 (viewer) must be name:scope:secret with a lower-case name and scope read or operate',
    );
    expect(() => loadSettings({ ...AWS_ENV, API_TOKENS: 'viewer:read:short' })).toThrow(
      'API_TOKENS entry 1 (viewer): its secret must be at least 16 characters',
    );
    expect(() => loadSettings({ ...AWS_ENV, API_TOKENS: `a:read:${viewer},a:operate:${ci}` })).toThrow(
      'the name a is used twice',
    );
  });

  it('loadSettings({}) returns local defaults reading ./config', () => {
    const settings = loadSettings({});
    expect(settings).toEqual({
      mode: 'local',
      region: 'us-east-1',
      queueUrl: undefined,
      dlqUrl: undefined,
      releaseParameterPrefix: undefined,
      config: { kind: 'directory', path: path.resolve('./config') },
      trackedRef: 'refs/heads/main',
      port: 8080,
      host: '127.0.0.1',
      githubWebhookSecret: undefined,
      statusToken: undefined,
      apiTokens: [],
      resyncIntervalSeconds: 300,
      visibilityTimeoutSeconds: 60,
      heartbeatSeconds: 20,
      maxReceives: 5,
      concurrency: 4,
      replicas: 1,
      waitPollMs: 30_000,
      ecsMinuteMs: 60_000,
      logLevel: 'info',
      verifyAllowPrivateNetworks: true,
      lastGoodConfigParameter: '/ecs-gitops/last-good-config',
    });
  });

  it('loadSettings reads LAST_GOOD_CONFIG_PARAMETER and refuses a name SSM would refuse', () => {
    expect(loadSettings({ LAST_GOOD_CONFIG_PARAMETER: '/team/prod/last-good' }).lastGoodConfigParameter).toBe(
      '/team/prod/last-good',
    );
    for (const bad of ['/has space', '/aws/reserved', 'ssm-x'])
      expect(() => loadSettings({ LAST_GOOD_CONFIG_PARAMETER: bad })).toThrow(
        'must be an SSM parameter name',
      );
  });

  it('loadSettings(aws env) reads a git config source and binds 0.0.0.0', () => {
    const settings = loadSettings({ ...AWS_ENV, CONFIG_BRANCH: 'prod', CONFIG_DIR: '/deploy/config/' });
    expect(settings.mode).toBe('aws');
    expect(settings.host).toBe('0.0.0.0');
    expect(settings.trackedRef).toBe('refs/heads/prod');
    expect(settings.config).toMatchObject({
      kind: 'git',
      repository: AWS_ENV.CONFIG_REPOSITORY,
      branch: 'prod',
      dir: 'deploy/config',
    });
  });

  it('loadSettings reads RELEASE_PARAMETER_PREFIX (an SSM path) and refuses one SSM would not accept', () => {
    expect(
      loadSettings({ ...AWS_ENV, RELEASE_PARAMETER_PREFIX: '/ecs-gitops/EcsGitOps' }).releaseParameterPrefix,
    ).toBe('/ecs-gitops/EcsGitOps');
    for (const bad of ['ecs-gitops/x', '/ecs-gitops/', '/a b'])
      expect(problemsOf({ ...AWS_ENV, RELEASE_PARAMETER_PREFIX: bad })).toEqual([
        `RELEASE_PARAMETER_PREFIX=${JSON.stringify(bad)} must be an SSM parameter path such as /ecs-gitops/MyStack (no trailing slash)`,
      ]);
  });

  it('loadSettings defaults the mode to aws when QUEUE_URL is set', () => {
    const { DEPLOYER_MODE: _, ...env } = AWS_ENV;
    expect(loadSettings(env).mode).toBe('aws');
  });

  it('loadSettings lets DEPLOYER_MODE=local use a queue without secrets', () => {
    const settings = loadSettings({ DEPLOYER_MODE: 'local', QUEUE_URL: 'http://127.0.0.1:4566/q.fifo' });
    expect(settings.mode).toBe('local');
    expect(settings.queueUrl).toBe('http://127.0.0.1:4566/q.fifo');
  });

  it('loadSettings reads numeric overrides', () => {
    const settings = loadSettings({
      PORT: '0',
      RESYNC_INTERVAL_SECONDS: '5',
      VISIBILITY_TIMEOUT_SECONDS: '10',
      HEARTBEAT_SECONDS: '3',
      MAX_RECEIVES: '2',
      CONCURRENCY: '8',
      WAIT_POLL_MS: '50',
      LOG_LEVEL: 'DEBUG',
      HOST: '0.0.0.0',
    });
    expect(settings).toMatchObject({
      port: 0,
      resyncIntervalSeconds: 5,
      visibilityTimeoutSeconds: 10,
      heartbeatSeconds: 3,
      maxReceives: 2,
      concurrency: 8,
      waitPollMs: 50,
      logLevel: 'debug',
      host: '0.0.0.0',
    });
  });

  it('loadSettings lists every missing aws variable at once', () => {
    const problems = problemsOf({ DEPLOYER_MODE: 'aws' });
    expect(problems).toHaveLength(5);
    for (const name of [
      'AWS_REGION',
      'QUEUE_URL',
      'CONFIG_REPOSITORY',
      'GITHUB_WEBHOOK_SECRET',
      'STATUS_TOKEN',
    ])
      expect(problems.some((p) => p.startsWith(name))).toBe(true);
  });

  it.each([
    [{ PORT: 'http' }, 'PORT="http" must be a whole number from 0 to 65535'],
    [{ PORT: '70000' }, 'PORT="70000" must be a whole number from 0 to 65535'],
    [{ CONCURRENCY: '1.5' }, 'CONCURRENCY="1.5" must be a whole number from 1 to 64'],
    [{ DEPLOYER_MODE: 'prod' }, 'DEPLOYER_MODE="prod" must be local or aws'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL="loud" must be one of fatal, error, warn, info, debug, trace, silent'],
    [{ QUEUE_URL: 'not a url', DEPLOYER_MODE: 'local' }, 'QUEUE_URL="not a url" must be an http(s) URL'],
    [{ CONFIG_BRANCH: '-x' }, 'CONFIG_BRANCH="-x" is not a valid branch name'],
    [
      { QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/intake', DEPLOYER_MODE: 'local' },
      'QUEUE_URL="https://sqs.eu-west-1.amazonaws.com/1/intake" must be an SQS FIFO queue (its name ends in .fifo)',
    ],
    [
      { CONFIG_REPOSITORY: '/r', CONFIG_DIR: '../up' },
      'CONFIG_DIR="../up" must be a path inside the repository (no ..)',
    ],
  ])('loadSettings(%j) names the bad variable', (env, problem) => {
    expect(problemsOf(env)).toEqual([problem]);
  });

  it('loadSettings refuses short secrets in aws mode, naming each', () => {
    expect(problemsOf({ ...AWS_ENV, GITHUB_WEBHOOK_SECRET: 'x', STATUS_TOKEN: 'short' })).toEqual([
      'GITHUB_WEBHOOK_SECRET must be at least 16 characters in aws mode (e.g. `openssl rand -hex 32`)',
      'STATUS_TOKEN must be at least 16 characters in aws mode (e.g. `openssl rand -hex 32`)',
    ]);
    expect(loadSettings({ STATUS_TOKEN: 'short' }).statusToken).toBe('short');
  });

  it('loadSettings rejects a heartbeat that is not shorter than the visibility timeout', () => {
    expect(problemsOf({ VISIBILITY_TIMEOUT_SECONDS: '30', HEARTBEAT_SECONDS: '30' })).toEqual([
      'HEARTBEAT_SECONDS (30) must be less than VISIBILITY_TIMEOUT_SECONDS (30), or messages reappear while still being worked on',
    ]);
  });

  it('loadSettings rejects both CONFIG_REPOSITORY and CONFIG_PATH', () => {
    expect(problemsOf({ CONFIG_REPOSITORY: '/repo', CONFIG_PATH: './config' })[0]).toMatch(
      /either CONFIG_REPOSITORY .* or CONFIG_PATH/,
    );
  });

  it('SettingsError message lists each problem on its own line', () => {
    expect(() => loadSettings({ PORT: 'x', CONCURRENCY: '0' })).toThrow(
      /invalid deployer settings:\n {2}- PORT.*\n {2}- CONCURRENCY/,
    );
  });
});
