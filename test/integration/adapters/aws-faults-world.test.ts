// Throttling and 5xx from the stand-ins' seeded fault injector: the SDK's own retries absorb them,
// and what gets through is mapped to retryable errors, never to terminal ones.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../../deployer/adapters/aws/clients.ts';
import { EcrAdapter } from '../../../deployer/adapters/aws/ecr-adapter.ts';
import { DeployerError } from '../../../deployer/domain/errors.ts';
import { type LocalWorld, startLocalWorld } from '../../../local/world.ts';

let world: LocalWorld;
const signal = new AbortController().signal;
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const CALLS = 6;

beforeAll(async () => {
  world = await startLocalWorld({
    logger: pino({ level: 'silent' }),
    seed: false,
    faultRate: 0.4,
    faultSeed: 7,
  });
  world.registry.createRepository('faulty');
  world.registry.push('faulty', '1.0.0');
}, 30_000);

afterAll(async () => {
  await world?.stop();
});

function ecr(maxAttempts: number): EcrAdapter {
  const clients = createAwsClients({
    maxAttempts,
    retryMode: 'standard',
    credentials,
    endpoints: { ecr: world.endpoints.ecr },
  });
  return new EcrAdapter(clients.ecr);
}

describe('AWS adapters under injected faults', () => {
  it('with SDK retries every listImages call succeeds despite throttling and 5xx', async () => {
    const before = world.faults.injected;
    const adapter = ecr(10);
    for (let i = 0; i < CALLS; i++) {
      expect((await adapter.listImages('faulty', signal)).map((image) => image.tags)).toEqual([['1.0.0']]);
    }
    expect(world.faults.injected).toBeGreaterThan(before);
  });

  it('without retries the injected faults surface as retryable AWS_THROTTLED / AWS_UNAVAILABLE', async () => {
    const adapter = ecr(1);
    const codes = new Set<string>();
    for (let i = 0; i < CALLS * 4; i++) {
      const outcome = await adapter.listImages('faulty', signal).catch((e: unknown) => e);
      if (outcome instanceof DeployerError) {
        expect(outcome.retryable).toBe(true);
        codes.add(outcome.code);
      }
    }
    expect(codes.size).toBeGreaterThan(0);
    for (const code of codes) expect(['AWS_THROTTLED', 'AWS_UNAVAILABLE']).toContain(code);
  });
});
