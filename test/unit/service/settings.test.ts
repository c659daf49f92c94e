import { describe, expect, it } from 'vitest';
import { SERVICE_PORT } from '../../../common/contract.ts';
import { loadServiceSettings, ServiceSettingsError } from '../../../service/settings.ts';
import { versionReportFromEnv } from '../../../service/version-report.ts';

const CREDENTIALS = { ACTORS_AUTH_USER: 'alice', ACTORS_AUTH_PASSWORD: 's3cret' };
const fixedGenerator = () => ({ user: 'dev', password: 'generated-password' });

function problemsOf(env: NodeJS.ProcessEnv): readonly string[] {
  try {
    loadServiceSettings(env, fixedGenerator);
  } catch (error) {
    if (error instanceof ServiceSettingsError) return error.problems;
    throw error;
  }
  throw new Error('expected loadServiceSettings to throw');
}

describe('loadServiceSettings', () => {
  it('defaults to SERVICE_PORT on all interfaces at info level', () => {
    expect(loadServiceSettings(CREDENTIALS, fixedGenerator)).toEqual({
      host: '0.0.0.0',
      port: SERVICE_PORT,
      logLevel: 'info',
      credentials: { user: 'alice', password: 's3cret' },
      credentialsGenerated: false,
      shutdownTimeoutSeconds: 10,
    });
  });

  it('reads PORT, HOST, LOG_LEVEL and SHUTDOWN_TIMEOUT_SECONDS', () => {
    const settings = loadServiceSettings(
      { ...CREDENTIALS, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'WARN', SHUTDOWN_TIMEOUT_SECONDS: '25' },
      fixedGenerator,
    );
    expect(settings).toMatchObject({
      port: 0,
      host: '127.0.0.1',
      logLevel: 'warn',
      shutdownTimeoutSeconds: 25,
    });
  });

  it('refuses to run without credentials and names the variables to set', () => {
    const problems = problemsOf({});
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('ACTORS_AUTH_USER');
    expect(problems[0]).toContain('ACTORS_AUTH_PASSWORD');
    expect(problems[0]).toContain('ACTORS_ALLOW_GENERATED_CREDENTIALS=true');
  });

  it('generates credentials only with ACTORS_ALLOW_GENERATED_CREDENTIALS=true', () => {
    const settings = loadServiceSettings({ ACTORS_ALLOW_GENERATED_CREDENTIALS: 'true' }, fixedGenerator);
    expect(settings.credentials).toEqual({ user: 'dev', password: 'generated-password' });
    expect(settings.credentialsGenerated).toBe(true);
    expect(problemsOf({ ACTORS_ALLOW_GENERATED_CREDENTIALS: '1' })).toHaveLength(1);
  });

  it('prefers given credentials over generated ones', () => {
    const settings = loadServiceSettings(
      { ...CREDENTIALS, ACTORS_ALLOW_GENERATED_CREDENTIALS: 'true' },
      fixedGenerator,
    );
    expect(settings).toMatchObject({ credentials: { user: 'alice' }, credentialsGenerated: false });
  });

  it('generates random, distinct credentials by default', () => {
    const env = { ACTORS_ALLOW_GENERATED_CREDENTIALS: 'true' };
    const first = loadServiceSettings(env).credentials;
    const second = loadServiceSettings(env).credentials;
    expect(first.password).not.toBe(second.password);
    expect(first.password.length).toBeGreaterThanOrEqual(20);
  });

  it.each([
    [{ ACTORS_AUTH_USER: 'alice' }, 'ACTORS_AUTH_PASSWORD is empty'],
    [{ ACTORS_AUTH_PASSWORD: 'x' }, 'ACTORS_AUTH_USER is empty'],
    [{ ACTORS_AUTH_USER: 'al:ice', ACTORS_AUTH_PASSWORD: 'x' }, "must not contain ':'"],
    [{ ...CREDENTIALS, PORT: 'http' }, "PORT must be an integer from 0 to 65535, got 'http'"],
    [{ ...CREDENTIALS, PORT: '70000' }, 'PORT must be an integer'],
    [{ ...CREDENTIALS, PORT: '-1' }, 'PORT must be an integer'],
    [{ ...CREDENTIALS, PORT: '50.5' }, 'PORT must be an integer'],
    [{ ...CREDENTIALS, LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of'],
    [{ ...CREDENTIALS, SHUTDOWN_TIMEOUT_SECONDS: '0' }, 'SHUTDOWN_TIMEOUT_SECONDS must be a whole number'],
    [{ ...CREDENTIALS, SHUTDOWN_TIMEOUT_SECONDS: '600' }, 'from 1 to 120'],
    [{ ...CREDENTIALS, SHUTDOWN_TIMEOUT_SECONDS: '2.5' }, 'SHUTDOWN_TIMEOUT_SECONDS must be a whole number'],
  ])('reports %j as a problem containing %j', (env, expected) => {
    expect(problemsOf(env).join('\n')).toContain(expected);
  });

  it('reports every problem at once', () => {
    expect(problemsOf({ PORT: 'x', LOG_LEVEL: 'loud' })).toHaveLength(3);
  });
});

describe('versionReportFromEnv', () => {
  it('reports what the deployer injected', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    expect(
      versionReportFromEnv(
        {
          DEPLOY_IMAGE_DIGEST: digest,
          DEPLOY_REVISION: 'abc123',
          DEPLOY_IMAGE: `123.dkr.ecr.eu-west-1.amazonaws.com/actors@${digest}`,
        },
        '1.2.3',
      ),
    ).toEqual({
      digest,
      revision: 'abc123',
      image: `123.dkr.ecr.eu-west-1.amazonaws.com/actors@${digest}`,
      version: '1.2.3',
    });
  });

  it('reports null for unset or blank values', () => {
    expect(versionReportFromEnv({ DEPLOY_IMAGE_DIGEST: '  ' }, '0.1.0')).toEqual({
      digest: null,
      revision: null,
      image: null,
      version: '0.1.0',
    });
  });
});
