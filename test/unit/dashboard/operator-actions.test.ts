// Dashboard actions: the page of an operate token's session carries an action key and the buttons'
// script; a read token's page has neither; the API takes the session only with the page's key, and
// still refuses a read token's session whatever it sends.
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION_KEY_HEADER } from '../../../deployer/http/dashboard/operator-session.ts';
import type { ApiToken } from '../../../deployer/shared/api-tokens.ts';
import { TEST_TOKEN, type TestServer, testServer } from '../../support/test-server.ts';

const VIEWER = 'viewer-token-0123456789abcdef';
const TOKENS: ApiToken[] = [
  { name: 'status-token', scope: 'operate', secret: TEST_TOKEN },
  { name: 'viewer', scope: 'read', secret: VIEWER },
];

let server: TestServer | undefined;
afterEach(async () => {
  await server?.app.close();
  server = undefined;
});

async function session(s: TestServer, token: string) {
  const response = await s.app.inject({
    method: 'POST',
    url: '/dashboard/sign-in',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ token, next: '/dashboard' }).toString(),
  });
  const cookie = String(response.headers['set-cookie']).split(';')[0] ?? '';
  const page = (await s.app.inject({ method: 'GET', url: '/dashboard', headers: { cookie } })).body;
  const key = /data-action-key="([^"]+)"/.exec(page)?.[1];
  return { cookie, page, key };
}

describe('dashboard actions', () => {
  it('an operate session gets the action key, the buttons script and the rollback confirmation', async () => {
    server = await testServer({ mode: 'aws', apiTokens: TOKENS });
    const { page, key } = await session(server, TEST_TOKEN);
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(page).toContain('data-operator="status-token"');
    expect(page).toContain('<dialog id="confirm-rollback"');
    expect(page).toContain("button('Roll back…', 'rollback', service)");
    expect(page).toContain('<div class="actions" data-service="actors" data-suspended="false"');
  });

  it('a read session sees no buttons (no key, no script, no dialog), and a link to sign in as operator', async () => {
    server = await testServer({ mode: 'aws', apiTokens: TOKENS });
    const { page, key } = await session(server, VIEWER);
    expect(key).toBeUndefined();
    expect(page).not.toContain('confirm-rollback');
    expect(page).not.toContain('data-operator');
    expect(page).not.toContain("button('Sync'");
    expect(page).toContain('<a class="who" href="/dashboard/sign-in">sign in to act</a>');
  });

  it('the API takes an operate session with its page key, and nothing else', async () => {
    server = await testServer({ mode: 'aws', apiTokens: TOKENS });
    const operator = await session(server, TEST_TOKEN);
    const viewer = await session(server, VIEWER);
    const post = (cookie: string, key: string | undefined, action = 'sync') =>
      (server as TestServer).app.inject({
        method: 'POST',
        url: `/api/services/actors/${action}`,
        headers: { cookie, ...(key ? { [ACTION_KEY_HEADER]: key } : {}) },
      });
    // Another session's key, and a read session with the operator's key: refused, nothing done.
    expect((await post(operator.cookie, 'x'.repeat(43))).statusCode).toBe(403);
    const readWithKey = await post(viewer.cookie, operator.key);
    expect(readWithKey.statusCode).toBe(403);
    expect(server.runtime.calls).toEqual([]);
    expect((await post(operator.cookie, operator.key)).statusCode).toBe(202);
    expect((await post(operator.cookie, operator.key, 'suspend')).statusCode).toBe(200);
    expect((await post(operator.cookie, operator.key, 'rollback')).statusCode).toBe(202);
    expect(server.runtime.calls.map((call) => call.method)).toEqual(['sync', 'suspend', 'rollback']);
  });

  it('in local mode (public reads) an operator signs in on GET /dashboard/sign-in to get the buttons', async () => {
    server = await testServer({ mode: 'local', apiTokens: TOKENS });
    const anonymous = (await server.app.inject({ method: 'GET', url: '/dashboard' })).body;
    expect(anonymous).not.toContain('data-action-key');
    expect(anonymous).toContain('sign in to act');
    const form = await server.app.inject({
      method: 'GET',
      url: '/dashboard/sign-in',
      headers: { accept: 'text/html' },
    });
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('<form method="post" action="/dashboard/sign-in">');
    expect((await session(server, TEST_TOKEN)).key).toBeDefined();
  });
});
