import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { SYNC_STATES } from '../../../deployer/contract/status-model.ts';
import { dashboardPlugin } from '../../../deployer/http/dashboard/dashboard-plugin.ts';
import {
  DIGEST_A,
  DIGEST_B,
  deployerStatus,
  fakeRuntime,
  REPO,
  serviceStatus,
} from './dashboard-fixtures.ts';

const apps: FastifyInstance[] = [];

async function build(runtime = fakeRuntime()) {
  const app = Fastify();
  await app.register(dashboardPlugin, { runtime });
  apps.push(app);
  return app;
}

afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

describe('GET /', () => {
  it('renders one card per service with desired vs live tag and short digest', async () => {
    const runtime = fakeRuntime(
      deployerStatus({
        services: [serviceStatus(), serviceStatus({ name: 'billing', desired: null, live: null })],
      }),
    );
    const app = await build(runtime);
    const response = await app.inject({ method: 'GET', url: '/' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    const body = response.body;
    expect(body.match(/<section class="card"/g)).toHaveLength(2);
    expect(body).toContain('data-service="actors"');
    expect(body).toContain('data-service="billing"');
    expect(body).toContain(
      `<code class="desired-image" title="${REPO}@${DIGEST_B}">1.1.0@bbbbbbbbbbbb</code>`,
    );
    expect(body).toContain('<code class="live-image"');
    expect(body).toContain('@aaaaaaaaaaaa</code>');
    expect(body).toContain('actors:7');
    expect(body).toContain('highest match for ^1.0.0');
    expect(body).toContain('<span id="queue">0 waiting, 1 in flight</span>');
    expect(body).toContain('none chosen');
  });

  it('sends a CSP whose nonce is the one on the inline script and style', async () => {
    const app = await build();
    const response = await app.inject({ method: 'GET', url: '/' });
    const csp = String(response.headers['content-security-policy']);
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(csp).toContain("default-src 'none'");
    expect(response.body).toContain(`<script nonce="${nonce}">`);
    expect(response.body).toContain(`<style nonce="${nonce}">`);
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('escapes a service named <script> and every other string that comes from config or ECS', async () => {
    const evil = '<script>alert(1)</script>';
    const runtime = fakeRuntime(
      deployerStatus({
        version: '"><img src=x onerror=alert(2)>',
        config: {
          revision: 'r1',
          lastAppliedRevision: 'r1',
          headRevision: null,
          readAt: null,
          lastAttemptedRevision: '<r2>',
          errors: [
            {
              file: 'services/<x>.yaml',
              line: 3,
              column: 5,
              field: 'image.<pin>',
              message: 'bad <b>pin</b>',
            },
          ],
        },
        services: [
          serviceStatus({
            name: evil,
            sync: { state: 'Failed', reason: '<Reason>', message: `it's "bad" & <i>worse</i>`, since: 'x' },
            failedDigests: [{ digest: DIGEST_A, reason: '<img>', failedAt: 'y', rolloutId: '<id>' }],
            events: [{ id: 'e1', createdAt: 'z', message: '<marquee>event</marquee>' }],
            recentRollouts: [
              {
                id: 'ro-"1',
                from: null,
                to: { image: '<img src=x>', tag: '<tag>' },
                result: 'Failed',
                startedAt: 'a',
                finishedAt: 'b',
                durationMs: 10,
                reason: '<DeploymentFailed>',
                configRevision: '<rev>',
              },
            ],
          }),
        ],
      }),
    );
    const app = await build(runtime);
    const body = (await app.inject({ method: 'GET', url: '/' })).body;
    expect(body).not.toContain(evil);
    expect(body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(body.match(/<script/g)).toHaveLength(1); // only our own inline script
    for (const raw of [
      '<img',
      '<b>',
      '<i>',
      '<marquee>',
      '<Reason>',
      '<tag>',
      '<rev>',
      '<DeploymentFailed>',
      '<x>',
    ]) {
      expect(body).not.toContain(raw);
    }
    expect(body).toContain('it&#39;s &quot;bad&quot; &amp; &lt;i&gt;worse&lt;/i&gt;');
    expect(body).toContain('data-rollout="ro-&quot;1"');
  });

  it.each(SYNC_STATES)('shows sync state %s as a badge with its own colour class', async (state) => {
    const runtime = fakeRuntime(
      deployerStatus({
        services: [serviceStatus({ sync: { state, reason: 'R', message: 'm', since: 's' } })],
      }),
    );
    const app = await build(runtime);
    const body = (await app.inject({ method: 'GET', url: '/' })).body;
    expect(body).toContain(`<span class="badge badge-${state}" title="`);
    expect(body).toContain(`data-state="${state}">${state}</span>`);
    expect(body).toContain(`.badge-${state} {`); // the colour exists in the stylesheet
  });

  it('shows the rollout in progress with its current step and the steps already done', async () => {
    const runtime = fakeRuntime(
      deployerStatus({
        services: [
          serviceStatus({
            sync: { state: 'Progressing', reason: 'RolloutStarted', message: '', since: 's' },
            currentRollout: {
              id: 'ro-0123456789abcdef0123',
              step: 'Verifying',
              startedAt: '2026-11-25T17:01:00.000Z',
              from: { image: `${REPO}@${DIGEST_A}`, digest: DIGEST_A, tag: '1.0.0' },
              to: { image: `${REPO}@${DIGEST_B}`, digest: DIGEST_B, tag: '1.1.0' },
            },
          }),
        ],
      }),
    );
    const app = await build(runtime);
    const body = (await app.inject({ method: 'GET', url: '/' })).body;
    expect(body).toContain('data-step="Verifying"');
    expect(body).toContain('<li class="step step-current">Verifying</li>');
    expect(body).toContain('<li class="step step-done">Waiting</li>');
    expect(body).toContain('<li class="step">Invalidating</li>');
    expect(body).not.toContain('RollingBack');
    expect(body).toContain('<code>1.0.0@aaaaaaaaaaaa</code> → <code>1.1.0@bbbbbbbbbbbb</code>');
  });

  it('lists recent rollouts with time, from → to, result, duration, reason and config revision', async () => {
    const runtime = fakeRuntime(
      deployerStatus({
        services: [
          serviceStatus({
            desired: {
              ...serviceStatus().desired!,
              digest: DIGEST_A,
              tag: '1.0.0',
              image: `${REPO}@${DIGEST_A}`,
            },
            recentRollouts: [
              {
                id: 'ro-1',
                from: { image: `${REPO}@${DIGEST_A}`, digest: DIGEST_A },
                to: { image: `${REPO}@${DIGEST_B}`, digest: DIGEST_B, tag: '1.1.0' },
                result: 'RolledBack',
                startedAt: '2026-11-25T17:01:00.000Z',
                finishedAt: '2026-11-25T17:02:05.000Z',
                durationMs: 65_000,
                reason: 'VerifyTimeout',
                configRevision: '0123456789abcdef0123456789abcdef01234567',
              },
            ],
            failedDigests: [
              {
                digest: DIGEST_B,
                reason: 'VerifyTimeout',
                failedAt: '2026-11-25T17:02:05.000Z',
                rolloutId: 'ro-1',
              },
            ],
          }),
        ],
      }),
    );
    const app = await build(runtime);
    const body = (await app.inject({ method: 'GET', url: '/' })).body;
    const row = /<tr data-rollout="ro-1">([\s\S]*?)<\/tr>/.exec(body)?.[1] ?? '';
    expect(row).toContain('2026-11-25 17:01:00Z');
    expect(row).toContain('1.0.0@aaaaaaaaaaaa</code> → <code'); // tag of `from` known from the desired image
    expect(row).toContain('1.1.0@bbbbbbbbbbbb');
    expect(row).toContain('data-result="RolledBack">RolledBack</span>');
    expect(row).toContain('<td>1m 05s</td>');
    expect(row).toContain('<td>VerifyTimeout</td>');
    expect(row).toContain('>0123456789ab</code>');
    expect(body).toContain('class="failed-digests"');
    expect(body).toContain('bbbbbbbbbbbb</code> VerifyTimeout');
  });

  it('shows a banner with file:line:col field: message when the last config revision was rejected', async () => {
    const runtime = fakeRuntime(
      deployerStatus({
        config: {
          revision: 'aaaaaaaaaaaaaaaa',
          lastAppliedRevision: 'aaaaaaaaaaaaaaaa',
          headRevision: null,
          readAt: null,
          lastAttemptedRevision: 'bbbbbbbbbbbbbbbb',
          errors: [
            {
              file: 'services/actors.yaml',
              line: 7,
              column: 3,
              field: 'image.pin',
              message: 'unknown field `pinn`',
            },
          ],
        },
      }),
    );
    const app = await build(runtime);
    const body = (await app.inject({ method: 'GET', url: '/' })).body;
    expect(body).toContain('id="config-errors"');
    expect(body).toContain(
      'Running last good revision <code>aaaaaaaaaaaa</code>; HEAD <code>bbbbbbbbbbbb</code> is invalid',
    );
    expect(body).toContain(
      '<li><code>services/actors.yaml:7:3</code> <code>image.pin</code>: unknown field &#96;pinn&#96;</li>',
    );
  });

  it('has no config banner when the config is valid, and an empty-state hint without services', async () => {
    const app = await build(fakeRuntime(deployerStatus({ services: [] })));
    const body = (await app.inject({ method: 'GET', url: '/' })).body;
    expect(body).not.toContain('id="config-errors"');
    expect(body).toContain('No services configured: add one under config/services/.');
  });

  it('says the deployer is still loading rather than that nothing is configured', async () => {
    const starting = deployerStatus({
      services: [],
      config: {
        revision: null,
        lastAppliedRevision: null,
        headRevision: null,
        readAt: null,
        lastAttemptedRevision: null,
        errors: [],
      },
    });
    const app = await build(fakeRuntime(starting));
    const body = (await app.inject({ method: 'GET', url: '/' })).body;
    expect(body).toContain('still loading its config');
    expect(body).not.toContain('No services configured');
  });

  it('points at the banner when the first config was rejected', async () => {
    const rejected = deployerStatus({
      services: [],
      config: {
        revision: null,
        lastAppliedRevision: null,
        headRevision: null,
        readAt: null,
        lastAttemptedRevision: 'bad',
        errors: [{ file: 'services/a.yaml', line: 1, column: 1, field: '', message: 'empty file' }],
      },
    });
    const app = await build(fakeRuntime(rejected));
    const body = (await app.inject({ method: 'GET', url: '/' })).body;
    expect(body).toContain('No valid config has been applied yet: fix the errors above and push again.');
    expect(body).toContain('HEAD <code>bad</code> is invalid; no valid config has been applied yet'); // the banner's own wording
  });
});

describe('page title', () => {
  it('counts services that need attention so a background tab shows it', async () => {
    const failed = serviceStatus({
      name: 'a',
      sync: { state: 'Failed', reason: 'R', message: '', since: 's' },
    });
    const synced = serviceStatus({
      name: 'b',
      sync: { state: 'Synced', reason: 'R', message: '', since: 's' },
    });
    const app = await build(
      fakeRuntime(deployerStatus({ services: [failed, synced, { ...failed, name: 'c' }] })),
    );
    expect((await app.inject({ method: 'GET', url: '/' })).body).toContain(
      '<title>2 Failed · ecs-gitops</title>',
    );
    const calm = await build(fakeRuntime(deployerStatus({ services: [synced] })));
    expect((await calm.inject({ method: 'GET', url: '/' })).body).toContain('<title>ecs-gitops</title>');
  });
});

describe('GET /dashboard/state', () => {
  it('returns the status JSON together with the rendered body', async () => {
    const runtime = fakeRuntime();
    const app = await build(runtime);
    const response = await app.inject({ method: 'GET', url: '/dashboard/state' });
    expect(response.statusCode).toBe(200);
    const payload = response.json() as { status: unknown; html: string; title: string };
    expect(payload.status).toEqual(runtime.status());
    expect(payload.html).toContain('data-service="actors"');
    expect(payload.title).toBe('1 OutOfSync · ecs-gitops');
  });
});
