// The status contract: what the server serializes through and the CLI checks answers against.
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { checkDeployerStatus, checkServiceStatus } from '../../../deployer/contract/check-status.ts';
import { PRECOMPILED_SCHEMAS } from '../../../deployer/http/precompiled-schemas.ts';
import { statusRoutes } from '../../../deployer/http/status-routes.ts';
import { createFakeRuntime, fakeDeployerStatus, fakeServiceStatus } from '../../support/fake-runtime.ts';

describe('checkDeployerStatus / checkServiceStatus', () => {
  it('accept what the deployer reports', () => {
    expect(checkDeployerStatus(fakeDeployerStatus())).toMatchObject({ ok: true });
    expect(checkServiceStatus(fakeServiceStatus('web'))).toMatchObject({ ok: true });
  });

  it('name the first field that is wrong', () => {
    const status = fakeDeployerStatus();
    const broken = { ...status, services: [{ ...fakeServiceStatus('web'), sync: { state: 'Fine' } }] };
    expect(checkDeployerStatus(broken)).toEqual({
      ok: false,
      problem: expect.stringMatching(/^\/services\/0\/sync/),
    });
    expect(checkServiceStatus('<h1>Welcome</h1>')).toEqual({
      ok: false,
      problem: '(the answer) must be object',
    });
  });
});

describe('GET /status answers through the contract schema', () => {
  it('keeps every field of the model (a field missing from the schema would be dropped)', async () => {
    const status = fakeDeployerStatus();
    // The serializers the server uses (generated from the schema), not ones compiled here.
    const app = Fastify({ schemaController: PRECOMPILED_SCHEMAS });
    await app.register(statusRoutes, { runtime: createFakeRuntime({ status }) });
    const all = await app.inject({ url: '/status' });
    const one = await app.inject({ url: '/status/actors' });
    await app.close();
    expect(all.json()).toEqual(status);
    expect(one.json()).toEqual(status.services[0]);
  });
});
