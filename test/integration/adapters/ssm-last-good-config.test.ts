// The SSM adapter of the last good config revision against moto (the independent referee) and our
// Parameter Store stand-in, with the same expectations: nothing recorded reads as undefined, a write
// overwrites, and a value that is not ours reads as nothing recorded (never as a revision).
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsClients, createAwsClients } from '../../../deployer/adapters/aws/clients.ts';
import { SsmLastGoodConfig } from '../../../deployer/adapters/aws/ssm-last-good-config.ts';
import { close, listen } from '../../../local/http-util.ts';
import { createSsmServer, ParameterStore } from '../../../local/ssm/server.ts';
import { type MotoAccount, motoAccount } from '../../support/moto-accounts.ts';

// Generous: moto loads its SSM backend (with the public AWS parameters) on the first call.
const signal = () => AbortSignal.timeout(90_000);
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
let moto: MotoAccount;
const standIn = createSsmServer({
  store: new ParameterStore(),
  region: 'us-east-1',
  logger: pino({ level: 'silent' }),
});
const worlds: Record<string, AwsClients> = {};

beforeAll(async () => {
  moto = await motoAccount();
  const port = await listen(standIn, 0);
  worlds.moto = createAwsClients({
    endpoints: { ssm: moto.endpoint },
    credentials: moto.credentials,
    maxAttempts: 1,
  });
  worlds['stand-in'] = createAwsClients({
    endpoints: { ssm: `http://127.0.0.1:${port}` },
    credentials,
    maxAttempts: 1,
  });
}, 60_000);

afterAll(async () => {
  for (const clients of Object.values(worlds)) clients.destroy();
  await close(standIn);
  await moto?.stop();
});

describe.each(['moto', 'stand-in'])('SsmLastGoodConfig over %s', (world) => {
  it('reads undefined before any write, then the last revision written', { timeout: 120_000 }, async () => {
    const store = new SsmLastGoodConfig(worlds[world]!.ssm, `/ecs-gitops/test-${world}/last-good`);
    expect(await store.read(signal())).toBeUndefined();
    await store.write({ revision: 'a'.repeat(40), appliedAt: '2026-01-01T00:00:00.000Z' }, signal());
    await store.write({ revision: 'b'.repeat(40), appliedAt: '2026-01-02T00:00:00.000Z' }, signal());
    expect(await store.read(signal())).toEqual({
      revision: 'b'.repeat(40),
      appliedAt: '2026-01-02T00:00:00.000Z',
    });
  });

  it('reads a value it did not write as nothing recorded', async () => {
    const name = `/ecs-gitops/test-${world}/foreign`;
    await worlds[world]!.ssm.send(new PutParameterCommand({ Name: name, Value: 'main', Type: 'String' }));
    expect(await new SsmLastGoodConfig(worlds[world]!.ssm, name).read(signal())).toBeUndefined();
  });

  it('refuses to replace a value without Overwrite (ParameterAlreadyExists), as the adapter never does', async () => {
    const name = `/ecs-gitops/test-${world}/no-overwrite`;
    const put = () =>
      worlds[world]!.ssm.send(new PutParameterCommand({ Name: name, Value: 'x', Type: 'String' }));
    await put();
    await expect(put()).rejects.toMatchObject({ name: 'ParameterAlreadyExists' });
  });
});
