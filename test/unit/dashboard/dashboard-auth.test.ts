import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { dashboardPlugin } from '../../../deployer/http/dashboard/dashboard-plugin.ts';
import { fakeRuntime } from './dashboard-fixtures.ts';

const TOKEN = 's3cret-token-value';
const apps: FastifyInstance[] = [];

afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function build(readToken?: string) {
  const app = Fastify();
  await app.register(dashboardPlugin, { runtime: fakeRuntime(), ...(readToken ? { readToken } : {}) });
  apps.push(app);
  return app;
}

async function signIn(app: FastifyInstance, token: string, headers: Record<string, string> = {}) {
  return app.inject({
    method: 'POST',
    url: '/dashboard/login',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    payload: new URLSearchParams({ token }).toString(),
  });
}

describe('dashboard auth', () => {
  it('is public without a read token (local mode)', async () => {
    const app = await build();
    expect((await app.inject({ method: 'GET', url: '/' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/dashboard/state' })).statusCode).toBe(200);
  });

  it('answers the sign-in form instead of the dashboard without credentials', async () => {
    const app = await build(TOKEN);
    const page = await app.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(401);
    expect(page.body).toContain('<form method="post" action="/dashboard/login">');
    expect(page.body).not.toContain('data-service=');
    for (const url of ['/events', '/dashboard/state']) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode).toBe(401);
      expect(response.headers['www-authenticate']).toBe('Bearer');
      expect(response.json()).toMatchObject({ error: { code: 'Unauthorized' } });
    }
  });

  it('accepts the status token as a Bearer header (curl, authenticating proxy)', async () => {
    const app = await build(TOKEN);
    const ok = await app.inject({ method: 'GET', url: '/', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.statusCode).toBe(200);
    const wrong = await app.inject({
      method: 'GET',
      url: '/',
      headers: { authorization: `Bearer ${TOKEN}x` },
    });
    expect(wrong.statusCode).toBe(401);
  });

  it('refuses a wrong token at sign-in and sets no cookie', async () => {
    const app = await build(TOKEN);
    const response = await signIn(app, 'nope');
    expect(response.statusCode).toBe(401);
    expect(response.headers['set-cookie']).toBeUndefined();
    expect(response.body).toContain('That token was not accepted.');
  });

  it('turns a good token into an HttpOnly SameSite=Strict session cookie that is not the token', async () => {
    const app = await build(TOKEN);
    const response = await signIn(app, TOKEN);
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/');
    const cookie = String(response.headers['set-cookie']);
    expect(cookie).toMatch(
      /^ecs_gitops_dashboard=[0-9a-f]{64}; Path=\/; Max-Age=43200; HttpOnly; SameSite=Strict$/,
    );
    expect(cookie).not.toContain(TOKEN);
    const session = cookie.split(';')[0]!;
    for (const url of ['/', '/dashboard/state']) {
      expect(
        (await app.inject({ method: 'GET', url, headers: { cookie: `other=1; ${session}` } })).statusCode,
      ).toBe(200);
    }
    expect(
      (await app.inject({ method: 'GET', url: '/', headers: { cookie: `${session.slice(0, -1)}0` } }))
        .statusCode,
    ).toBe(401);
  });

  it('marks the cookie Secure behind a TLS-terminating load balancer', async () => {
    const app = await build(TOKEN);
    const response = await signIn(app, TOKEN, { 'x-forwarded-proto': 'https' });
    expect(String(response.headers['set-cookie'])).toMatch(/; Secure$/);
  });

  it('signs out by expiring the cookie', async () => {
    const app = await build(TOKEN);
    const response = await app.inject({ method: 'POST', url: '/dashboard/logout' });
    expect(response.statusCode).toBe(303);
    expect(String(response.headers['set-cookie'])).toContain('ecs_gitops_dashboard=; Path=/; Max-Age=0');
  });
});
