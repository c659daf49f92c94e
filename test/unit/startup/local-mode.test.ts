import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { loadSettings } from '../../../deployer/runtime/settings.ts';
import { startLocalMode } from '../../../deployer/startup/local-mode.ts';

const logger = pino({ level: 'silent' });
const QUEUE = 'http://sqs.us-east-1.127.0.0.1:4566/000000000000/ecs-gitops.fifo';

describe('startLocalMode with QUEUE_URL set (an external world or real AWS)', () => {
  it('starts no world and generates the token and the webhook secret', async () => {
    const env = { DEPLOYER_MODE: 'local', QUEUE_URL: QUEUE, AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:4566' };
    const local = await startLocalMode(loadSettings(env), env, logger);
    expect(local.world).toBeUndefined();
    expect(local.generated).toEqual({ statusToken: true, githubWebhookSecret: true });
    expect(local.settings.statusToken).toMatch(/^[\w-]{32}$/);
    expect(local.settings.githubWebhookSecret).toMatch(/^[\w-]{32}$/);
    expect(local.settings.statusToken).not.toBe(local.settings.githubWebhookSecret);
    expect(local.settings.queueUrl).toBe(QUEUE);
  });

  it('keeps a token and secret that are set', async () => {
    const env = {
      DEPLOYER_MODE: 'local',
      QUEUE_URL: QUEUE,
      STATUS_TOKEN: 'mine-0123456789abcdef',
      GITHUB_WEBHOOK_SECRET: 'secret-0123456789abcdef',
    };
    const local = await startLocalMode(loadSettings(env), env, logger);
    expect(local.generated).toEqual({ statusToken: false, githubWebhookSecret: false });
    expect(local.settings).toMatchObject({
      statusToken: 'mine-0123456789abcdef',
      githubWebhookSecret: 'secret-0123456789abcdef',
    });
  });

  it.each([
    [
      'stand-in endpoints without keys get the stand-in keys',
      { AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:4566' },
      true,
    ],
    [
      'stand-in endpoints with keys keep them',
      { AWS_ENDPOINT_URL: 'http://127.0.0.1:4566', AWS_ACCESS_KEY_ID: 'k' },
      false,
    ],
    ['real AWS keeps the SDK credential chain', {}, false],
  ])('%s', async (_name, extra, standInKeys) => {
    const env = { DEPLOYER_MODE: 'local', QUEUE_URL: QUEUE, ...extra };
    const local = await startLocalMode(loadSettings(env), env, logger);
    expect(local.adapterOptions.credentials !== undefined).toBe(standInKeys);
  });
});
