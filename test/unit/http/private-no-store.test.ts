// Token-dependent answers of the deployer carry `Cache-Control: private, no-store`, so CloudFront (or
// any shared cache) never serves one to another caller or after the token is revoked.
import { afterEach, describe, expect, it } from 'vitest';
import { PRIVATE_NO_STORE } from '../../../deployer/http/private-no-store.ts';
import { bearer, type TestServer, testServer } from '../../support/test-server.ts';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.app.close();
  server = undefined;
});

describe('Cache-Control on the deployer API in aws mode', () => {
  it.each([
    ['GET', '/status', true],
    ['GET', '/status/actors', true],
    ['GET', '/metrics', true],
    ['GET', '/status', false],
    ['POST', '/api/services/actors/sync', true],
    ['POST', '/api/services/actors/sync', false],
  ] as const)('%s %s (token %s) is private, no-store', async (method, url, withToken) => {
    server = await testServer({ mode: 'aws' });
    const response = await server.app.inject({ method, url, headers: withToken ? bearer() : {} });
    expect(response.statusCode).not.toBe(404);
    expect(response.headers['cache-control']).toBe(PRIVATE_NO_STORE);
  });
});
