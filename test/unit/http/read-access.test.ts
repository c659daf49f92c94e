import { afterEach, describe, expect, it } from 'vitest';
import {
  issueSession,
  READ_SESSION_COOKIE,
  SESSION_MAX_AGE_SECONDS,
  verifySession,
} from '../../../deployer/http/bearer-auth.ts';
import type { ApiToken } from '../../../deployer/shared/api-tokens.ts';
import { bearer, TEST_TOKEN, type TestServer, testServer } from '../../support/test-server.ts';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.app.close();
  server = undefined;
});

const VIEWER = 'viewer-token-0123456789abcdef';
const TOKENS: ApiToken[] = [
  { name: 'status-token', scope: 'operate', secret: TEST_TOKEN },
  { name: 'viewer', scope: 'read', secret: VIEWER },
];
const awsServer = () => testServer({ mode: 'aws', apiTokens: TOKENS });

const cookieOf = (setCookie: string | string[] | undefined) =>
  String(Array.isArray(setCookie) ? setCookie[0] : setCookie).split(';')[0] ?? '';

const signIn = (s: TestServer, token: string, extra: Record<string, string> = {}, next = '/dashboard') =>
  s.app.inject({
    method: 'POST',
    url: '/dashboard/sign-in',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...extra },
    payload: new URLSearchParams({ token, next }).toString(),
  });

describe('read access in aws mode', () => {
  it('the dashboard page needs a token', async () => {
    server = await awsServer();
    expect((await server.app.inject({ method: 'GET', url: '/' })).statusCode).toBe(401);
    expect((await server.app.inject({ method: 'GET', url: '/', headers: bearer() })).statusCode).toBe(200);
    expect((await server.app.inject({ method: 'GET', url: '/', headers: bearer(VIEWER) })).statusCode).toBe(
      200,
    );
  });

  it('POST /dashboard/sign-in sets an HttpOnly SameSite=Strict session cookie holding no token, and goes back', async () => {
    server = await awsServer();
    const answer = await signIn(server, TEST_TOKEN, {}, '/dashboard?x=1');
    expect(answer.statusCode).toBe(303);
    expect(answer.headers.location).toBe('/dashboard?x=1');
    const header = String(answer.headers['set-cookie']);
    expect(header).toMatch(new RegExp(`^${READ_SESSION_COOKIE}=status-token\\.\\d+\\.[\\w-]{43}; `));
    expect(header).toContain(`Max-Age=${SESSION_MAX_AGE_SECONDS}`);
    expect(header).toContain('HttpOnly');
    expect(header).toContain('SameSite=Strict');
    expect(header).not.toContain(TEST_TOKEN);
  });

  it('never sends the browser to another site after sign-in', async () => {
    server = await awsServer();
    for (const next of ['//evil.example/x', 'https://evil.example', '/\\evil.example', 'javascript:alert(1)'])
      expect((await signIn(server, VIEWER, {}, next)).headers.location).toBe('/dashboard');
  });

  it('?token= in a URL no longer signs in (URLs land in access logs)', async () => {
    server = await awsServer();
    const answer = await server.app.inject({ method: 'GET', url: `/status?token=${TEST_TOKEN}` });
    expect(answer.statusCode).toBe(401);
    expect(answer.headers['set-cookie']).toBeUndefined();
  });

  it('the session cookie opens the read endpoints', async () => {
    server = await awsServer();
    const cookie = cookieOf((await signIn(server, VIEWER)).headers['set-cookie']);
    for (const url of ['/status', '/status/actors', '/metrics', '/', '/dashboard/state']) {
      const response = await server.app.inject({ method: 'GET', url, headers: { cookie } });
      expect({ url, status: response.statusCode }).toEqual({ url, status: 200 });
    }
  });

  it('the session cookie alone never opens the mutating API, not even an operate token’s', async () => {
    server = await awsServer();
    const cookie = cookieOf((await signIn(server, TEST_TOKEN)).headers['set-cookie']);
    const response = await server.app.inject({
      method: 'POST',
      url: '/api/services/actors/sync',
      headers: { cookie },
    });
    // What a cross-site form would send: the cookie, never the page's action key header.
    expect(response.statusCode).toBe(403);
    expect(response.json().error.message).toContain('only from the dashboard page');
    expect(server.runtime.calls).toEqual([]);
  });

  it('a read token cannot roll back (403 naming the token); an operate token can', async () => {
    server = await awsServer();
    const viewer = await server.app.inject({
      method: 'POST',
      url: '/api/services/actors/rollback',
      headers: bearer(VIEWER),
    });
    expect(viewer.statusCode).toBe(403);
    expect(viewer.json().error.message).toBe(
      "the token 'viewer' has the read scope; this action needs an operate token",
    );
    expect(server.runtime.calls).toEqual([]);
    const operator = await server.app.inject({
      method: 'POST',
      url: '/api/services/actors/sync',
      headers: bearer(),
    });
    expect(operator.statusCode).toBe(202);
  });

  it('a wrong token gets the form again with 401 and no cookie; a forged cookie is refused', async () => {
    server = await awsServer();
    const wrong = await signIn(server, 'nope');
    expect(wrong.statusCode).toBe(401);
    expect(wrong.body).toContain('That token was not accepted.');
    expect(wrong.headers['set-cookie']).toBeUndefined();
    const forgedName = issueSession(
      { name: 'status-token', scope: 'operate', secret: 'another-token' },
      Date.now(),
    );
    for (const value of [forgedName, TEST_TOKEN, 'status-token.9999999999.x'])
      expect(
        (
          await server.app.inject({
            method: 'GET',
            url: '/status',
            headers: { cookie: `${READ_SESSION_COOKIE}=${value}` },
          })
        ).statusCode,
      ).toBe(401);
  });

  it('the session cookie is marked Secure behind an HTTPS load balancer or CloudFront, not over plain HTTP', async () => {
    server = await awsServer();
    expect(
      String((await signIn(server, VIEWER, { 'x-forwarded-proto': 'https' })).headers['set-cookie']),
    ).toContain('Secure');
    const cloudFront = { 'x-forwarded-proto': 'http', 'cloudfront-forwarded-proto': 'https' };
    expect(String((await signIn(server, VIEWER, cloudFront)).headers['set-cookie'])).toContain('Secure');
    expect(String((await signIn(server, VIEWER)).headers['set-cookie'])).not.toContain('Secure');
  });
});

describe('sessions expire on the server', () => {
  const token = TOKENS[1] as ApiToken;
  const issuedAt = Date.UTC(2026, 0, 1);

  it('verifySession accepts a session until its expiry and refuses it after, whatever the browser keeps', () => {
    const value = issueSession(token, issuedAt);
    expect(verifySession(TOKENS, value, issuedAt + 1_000)).toEqual(token);
    expect(verifySession(TOKENS, value, issuedAt + (SESSION_MAX_AGE_SECONDS - 1) * 1000)).toEqual(token);
    expect(verifySession(TOKENS, value, issuedAt + SESSION_MAX_AGE_SECONDS * 1000)).toBeUndefined();
  });

  it('verifySession refuses a session whose expiry was pushed back, or whose token was rotated', () => {
    const value = issueSession(token, issuedAt);
    const [name, expiry, mac] = value.split('.');
    expect(verifySession(TOKENS, `${name}.${Number(expiry) + 86_400}.${mac}`, issuedAt)).toBeUndefined();
    const rotated = [{ ...token, secret: 'a-new-viewer-secret-0123456789' }];
    expect(verifySession(rotated, value, issuedAt)).toBeUndefined();
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
