// The composition picks the config source the settings name and points it at `<dir>/services`.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSettings } from '../../../deployer/runtime/settings.ts';
import { createAdapters } from '../../../deployer/startup/create-adapters.ts';
import { ConfigRepo } from '../../support/config-repo.ts';
import { motoAccount } from '../../support/moto-accounts.ts';

const logger = pino({ level: 'silent' });
const QUEUE = 'http://sqs.us-east-1.127.0.0.1:4566/000000000000/ecs-gitops.fifo';
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe('createAdapters', () => {
  it('reads <CONFIG_DIR>/services from the git repository at the tracked branch', async () => {
    const repo = await ConfigRepo.create();
    const cache = await mkdtemp(path.join(tmpdir(), 'ecs-gitops-adapters-cache-'));
    cleanups.push(
      () => repo.remove(),
      () => rm(cache, { recursive: true, force: true }),
    );
    const sha = await repo.commit(
      { 'deploy/config/services/web.yaml': 'name: web\n', 'config/services/decoy.yaml': 'name: decoy\n' },
      'two config dirs',
    );
    const env = {
      DEPLOYER_MODE: 'aws',
      AWS_REGION: 'us-east-1',
      QUEUE_URL: QUEUE,
      CONFIG_REPOSITORY: repo.dir,
      CONFIG_DIR: 'deploy/config',
      CONFIG_CACHE_DIR: cache,
      GITHUB_WEBHOOK_SECRET: 'secret-0123456789abcdef',
      STATUS_TOKEN: 'token-0123456789abcdef',
    };
    const adapters = createAdapters({ settings: loadSettings(env), env, logger });
    try {
      const snapshot = await adapters.configSource.read(undefined, AbortSignal.timeout(10_000));
      expect(snapshot.revision).toBe(sha);
      expect(snapshot.files.map((file) => file.text)).toEqual(['name: web\n']);
    } finally {
      adapters.destroy();
    }
  });

  it('reads <CONFIG_PATH>/services from a plain directory', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'ecs-gitops-adapters-dir-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    await mkdir(path.join(dir, 'services'));
    await writeFile(path.join(dir, 'services', 'actors.yaml'), 'name: actors\n');
    const env = { DEPLOYER_MODE: 'local', QUEUE_URL: QUEUE, CONFIG_PATH: dir };
    const adapters = createAdapters({ settings: loadSettings(env), env, logger });
    try {
      const snapshot = await adapters.configSource.read(undefined, AbortSignal.timeout(10_000));
      expect(snapshot.revision).toMatch(/^sha256:/);
      expect(snapshot.files).toEqual([
        { path: expect.stringContaining('actors.yaml'), text: 'name: actors\n' },
      ]);
    } finally {
      adapters.destroy();
    }
  });

  it('refuses to build without a queue URL, naming QUEUE_URL', () => {
    const settings = { ...loadSettings({ DEPLOYER_MODE: 'local' }), queueUrl: undefined };
    expect(() => createAdapters({ settings, env: {}, logger })).toThrow(/QUEUE_URL/);
  });
});

describe('createAdapters: release records (RELEASE_PARAMETER_PREFIX)', () => {
  const env = { DEPLOYER_MODE: 'local', QUEUE_URL: QUEUE, CONFIG_PATH: tmpdir(), AWS_REGION: 'us-east-1' };

  it('records nothing without the prefix (the local world)', () => {
    const adapters = createAdapters({ settings: loadSettings(env), env, logger });
    try {
      expect(adapters.releaseRecords).toBeUndefined();
    } finally {
      adapters.destroy();
    }
  });

  it('with the prefix, writes <prefix>/<service>/image in SSM (moto)', async () => {
    const moto = await motoAccount();
    cleanups.push(() => moto.stop());
    const withPrefix = { ...env, RELEASE_PARAMETER_PREFIX: '/ecs-gitops/WiringStack' };
    const adapters = createAdapters({
      settings: loadSettings(withPrefix),
      env: withPrefix,
      logger,
      credentials: moto.credentials,
      // The SDK reads AWS_ENDPOINT_URL_* from process.env, not from `env`: name the endpoint.
      endpoints: { ssm: moto.endpoint },
    });
    const ssm = new SSMClient({
      region: 'us-east-1',
      endpoint: moto.endpoint,
      credentials: moto.credentials,
    });
    try {
      const image = `123456789012.dkr.ecr.us-east-1.amazonaws.com/actors@sha256:${'a'.repeat(64)}`;
      await adapters.releaseRecords?.recordServed('actors', { image }, AbortSignal.timeout(60_000));
      const { Parameter } = await ssm.send(
        new GetParameterCommand({ Name: '/ecs-gitops/WiringStack/actors/image' }),
      );
      expect(Parameter?.Value).toBe(image);
    } finally {
      ssm.destroy();
      adapters.destroy();
    }
  }, 120_000);
});
