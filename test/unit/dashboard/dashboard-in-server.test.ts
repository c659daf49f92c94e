import type { FastifyInstance } from 'fastify';
// The dashboard as the deployer serves it: inside buildServer's read context, so it follows the read
// rule (public in local mode; token, then a read-only session cookie, in aws mode).
import { afterEach, describe, expect, it } from 'vitest';
import { TEST_TOKEN, type TestServer, testServer } from '../../support/test-server.ts';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.app.close()));
});

async function server(mode: 'local' | 'aws') {
  const s = await testServer({ mode });
  servers.push(s);
  return s;
}

describe('dashboard in the deployer', () => {
  it('is public in local mode', async () => {
    const { app } = await server('local');
    const page = await app.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('data-service="actors"');
  });

  it('refuses the page, the stream and the state without credentials in aws mode', async () => {
    const { app } = await server('aws');
    for (const url of ['/', '/events', '/dashboard/state']) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode).toBe(401);
      expect(response.body).not.toContain('data-service');
    }
  });

  const signIn = (app: FastifyInstance, token: string, next: string) =>
    app.inject({
      method: 'POST',
      url: '/dashboard/sign-in',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ token, next }).toString(),
    });

  it('signs in with a POSTed token, sends the browser back, then serves the page', async () => {
    const { app } = await server('aws');
    const answer = await signIn(app, TEST_TOKEN, '/');
    expect(answer.statusCode).toBe(303);
    expect(answer.headers.location).toBe('/');
    const cookie = String(answer.headers['set-cookie']);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).not.toContain(TEST_TOKEN);
    const session = cookie.split(';')[0]!;
    const page = await app.inject({ method: 'GET', url: '/', headers: { cookie: session } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('data-service="actors"');
    const state = await app.inject({ method: 'GET', url: '/dashboard/state', headers: { cookie: session } });
    expect(state.statusCode).toBe(200);
  });

  it('does not sign in from a ?token= in the URL', async () => {
    const { app } = await server('aws');
    const response = await app.inject({ method: 'GET', url: `/?token=${TEST_TOKEN}` });
    expect(response.statusCode).toBe(401);
    expect(response.headers['set-cookie']).toBeUndefined();
  });

  it('serves everything under /dashboard too, the prefix a shared load balancer routes to the deployer', async () => {
    const { app } = await server('aws');
    const answer = await signIn(app, TEST_TOKEN, '/dashboard');
    expect(answer.headers.location).toBe('/dashboard');
    const cookie = String(answer.headers['set-cookie']).split(';')[0]!;
    for (const url of ['/dashboard', '/dashboard/']) {
      const page = await app.inject({ method: 'GET', url, headers: { cookie } });
      expect(page.statusCode, url).toBe(200);
      expect(page.body).toContain('new EventSource("/dashboard/events")');
      expect(page.body).toContain('fetch("/dashboard/state"');
    }
  });

  it('shows a browser without a session a sign-in form instead of a JSON 401', async () => {
    const { app } = await server('aws');
    const html = { accept: 'text/html,application/xhtml+xml' };
    const page = await app.inject({ method: 'GET', url: '/dashboard', headers: html });
    expect(page.statusCode).toBe(401);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('<form method="post" action="/dashboard/sign-in">');
    expect(page.body).toContain('<input type="hidden" name="next" value="/dashboard">');
    expect(page.body).toContain('name="token"');
    expect(page.body).not.toContain('data-service');
    expect(page.body).not.toContain('not accepted');
    const csp = String(page.headers['content-security-policy']);
    const nonce = /style-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(page.body).toContain(`<style nonce="${nonce}">`);
    const wrong = await signIn(app, 'wrong', '/');
    expect(wrong.statusCode).toBe(401);
    expect(wrong.body).toContain('That token was not accepted.');
    expect(wrong.body).toContain('name="next" value="/"');
    // API clients and the stream keep the JSON answer.
    const json = await app.inject({ method: 'GET', url: '/dashboard' });
    expect(json.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    const events = await app.inject({ method: 'GET', url: '/dashboard/events', headers: html });
    expect(events.headers['content-type']).toContain('application/json');
  });
});
