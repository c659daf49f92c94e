import { afterEach, describe, expect, it } from 'vitest';
import { READ_SESSION_COOKIE, readSession } from '../../../deployer/http/bearer-auth.ts';
import { bearer, TEST_TOKEN, type TestServer, testServer } from '../../support/test-server.ts';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.app.close();
  server = undefined;
});

const sessionCookie = (setCookie: string | string[] | undefined) =>
  String(Array.isArray(setCookie) ? setCookie[0] : setCookie).split(';')[0] ?? '';

describe('read access in aws mode', () => {
  it('the dashboard page needs the token', async () => {
    server = await testServer({ mode: 'aws' });
    expect((await server.app.inject({ method: 'GET', url: '/' })).statusCode).toBe(401);
    expect((await server.app.inject({ method: 'GET', url: '/', headers: bearer() })).statusCode).toBe(200);
  });

  it('?token= sets an HttpOnly SameSite=Strict session cookie that holds no token', async () => {
    server = await testServer({ mode: 'aws' });
    const signIn = await server.app.inject({ method: 'GET', url: `/?token=${TEST_TOKEN}` });
    expect(signIn.statusCode).toBeLessThan(400);
    const header = String(signIn.headers['set-cookie']);
    expect(header).toContain(`${READ_SESSION_COOKIE}=${readSession(TEST_TOKEN)}`);
    expect(header).toContain('HttpOnly');
    expect(header).toContain('SameSite=Strict');
    expect(header).not.toContain(TEST_TOKEN);
  });

  it('the session cookie opens the read endpoints', async () => {
    server = await testServer({ mode: 'aws' });
    const signIn = await server.app.inject({ method: 'GET', url: `/status?token=${TEST_TOKEN}` });
    expect(signIn.statusCode).toBe(200);
    const cookie = sessionCookie(signIn.headers['set-cookie']);
    for (const url of ['/status', '/status/actors', '/metrics', '/', '/dashboard/state']) {
      const response = await server.app.inject({ method: 'GET', url, headers: { cookie } });
      expect({ url, status: response.statusCode }).toEqual({ url, status: 200 });
    }
  });

  it('the session cookie never opens the mutating API', async () => {
    server = await testServer({ mode: 'aws' });
    const cookie = `${READ_SESSION_COOKIE}=${readSession(TEST_TOKEN)}`;
    const response = await server.app.inject({
      method: 'POST',
      url: '/api/services/actors/sync',
      headers: { cookie },
    });
    expect(response.statusCode).toBe(401);
    expect(server.runtime.calls).toEqual([]);
  });

  it('a wrong ?token= or a forged cookie is refused', async () => {
    server = await testServer({ mode: 'aws' });
    const wrong = await server.app.inject({ method: 'GET', url: '/status?token=nope' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.headers['set-cookie']).toBeUndefined();
    const forged = await server.app.inject({
      method: 'GET',
      url: '/status',
      headers: { cookie: `${READ_SESSION_COOKIE}=${readSession('another-token')}` },
    });
    expect(forged.statusCode).toBe(401);
  });

  it('the raw token as a cookie value is not a session', async () => {
    server = await testServer({ mode: 'aws' });
    const response = await server.app.inject({
      method: 'GET',
      url: '/status',
      headers: { cookie: `${READ_SESSION_COOKIE}=${TEST_TOKEN}` },
    });
    expect(response.statusCode).toBe(401);
  });

  it('the session cookie is marked Secure behind an HTTPS load balancer', async () => {
    server = await testServer({ mode: 'aws' });
    const response = await server.app.inject({
      method: 'GET',
      url: `/status?token=${TEST_TOKEN}`,
      headers: { 'x-forwarded-proto': 'https' },
    });
    expect(String(response.headers['set-cookie'])).toContain('Secure');
  });

  it('the session cookie is marked Secure behind CloudFront (HTTPS viewer, HTTP origin)', async () => {
    server = await testServer({ mode: 'aws' });
    const response = await server.app.inject({
      method: 'GET',
      url: `/status?token=${TEST_TOKEN}`,
      headers: { 'x-forwarded-proto': 'http', 'cloudfront-forwarded-proto': 'https' },
    });
    expect(String(response.headers['set-cookie'])).toContain('Secure');
  });

  it('the session cookie is not marked Secure over plain HTTP', async () => {
    server = await testServer({ mode: 'aws' });
    const response = await server.app.inject({ method: 'GET', url: `/status?token=${TEST_TOKEN}` });
    expect(String(response.headers['set-cookie'])).not.toContain('Secure');
  });
});

describe('read access in local mode', () => {
  it('the dashboard page is public', async () => {
    server = await testServer({ mode: 'local' });
    const response = await server.app.inject({ method: 'GET', url: '/' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/html');
  });
});
