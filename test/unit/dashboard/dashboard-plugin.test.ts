import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { dashboardPlugin } from '../../../deployer/http/dashboard/dashboard-plugin.ts';
import {
  DIGEST_A,
  DIGEST_B,
  DIGEST_C,
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
            failedDigests: [
              { digest: DIGEST_A, reason: '<img>', failedAt: 'y', rolloutId: '<id>', message: '<b>why</b>' },
            ],
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

  it.each([
    ['Healthy', 'Synced', {}],
    ['Healthy', 'OutOfSync', { desired: { ...serviceStatus().desired!, digest: DIGEST_C } }],
    ['Degraded', 'Synced', { tasks: { desired: 2, running: 1, pending: 0, observedAt: 't' } }],
    ['Progressing', 'Synced', { tasks: { desired: 2, running: 1, pending: 1, observedAt: 't' } }],
    ['Unknown', 'Unknown', { live: null }],
  ] as const)(
    'shows health %s and drift %s as badges with their own colour classes',
    async (health, drift, overrides) => {
      const synced = { desired: { ...serviceStatus().desired!, digest: DIGEST_A } };
      const runtime = fakeRuntime(deployerStatus({ services: [serviceStatus({ ...synced, ...overrides })] }));
      const app = await build(runtime);
      const body = (await app.inject({ method: 'GET', url: '/' })).body;
      expect(body).toContain(`data-health="${health}" data-drift="${drift}"`);
      expect(body).toContain(`<span class="badge badge-${health}" title="health: `);
      expect(body).toContain(`<span class="badge badge-${drift}" title="`);
      for (const state of [health, drift]) expect(body).toContain(`.badge-${state} {`); // the colour exists
    },
  );

  it('shows a service rolled back to its previous version as Healthy · OutOfSync with the reason, not Failed', async () => {
    const runtime = fakeRuntime(
      deployerStatus({
        services: [
          serviceStatus({
            sync: { state: 'Failed', reason: 'VerifyTimeout', message: 'rolled back', since: 's' },
            recentRollouts: [
              {
                id: 'ro-1',
                from: { image: `${REPO}@${DIGEST_A}`, digest: DIGEST_A },
                to: { image: `${REPO}@${DIGEST_B}`, digest: DIGEST_B },
                result: 'RolledBack',
                startedAt: 'a',
                finishedAt: 'b',
                durationMs: 1,
                reason: 'VerifyTimeout',
                configRevision: 'c',
              },
            ],
          }),
        ],
      }),
    );
    const body = (await (await build(runtime)).inject({ method: 'GET', url: '/' })).body;
    const head = /<header class="card-head">([\s\S]*?)<\/header>/.exec(body)?.[1] ?? '';
    expect(head).toContain('data-health="Healthy" data-drift="OutOfSync"');
    expect(head).toContain('<span class="drift-why">(rolled back: VerifyTimeout)</span>');
    expect(head).not.toContain('badge-Failed');
    expect(body).toContain('<title>1 OutOfSync · ecs-gitops</title>');
  });

  it('shows running, desired and pending task counts and the latest ECS events unfolded', async () => {
    const events = [1, 2, 3, 4, 5].map((n) => ({
      id: `e${n}`,
      createdAt: `2026-11-25T17:0${9 - n}:00.000Z`,
      message: `event ${n}`,
    }));
    const runtime = fakeRuntime(
      deployerStatus({
        services: [serviceStatus({ tasks: { desired: 3, running: 2, pending: 1, observedAt: 't' }, events })],
      }),
    );
    const body = (await (await build(runtime)).inject({ method: 'GET', url: '/' })).body;
    expect(body).toContain('data-running="2" data-desired="3" data-pending="1"');
    expect(body).toContain('<strong>2</strong> running · 3 desired · 1 pending');
    const inView = /<ul class="events-in-view">([\s\S]*?)<\/ul>/.exec(body)?.[1] ?? '';
    expect(inView.match(/<li>/g)).toHaveLength(3);
    expect(inView).toContain('event 1');
    expect(inView).not.toContain('event 4');
    expect(body).toContain('<summary>2 older</summary>');
  });

  it('during a rollback shows only the steps that ran, the failed one, and the rollback as its own phase', async () => {
    const runtime = fakeRuntime(
      deployerStatus({
        services: [
          serviceStatus({
            currentRollout: {
              id: 'ro-1',
              step: 'RollingBack',
              failedStep: 'Waiting',
              startedAt: '2026-11-25T17:01:00.000Z',
              from: { image: `${REPO}@${DIGEST_A}`, digest: DIGEST_A, tag: '1.0.0' },
              to: { image: `${REPO}@${DIGEST_B}`, digest: DIGEST_B, tag: '1.1.0' },
            },
          }),
        ],
      }),
    );
    const body = (await (await build(runtime)).inject({ method: 'GET', url: '/' })).body;
    expect(body).toContain('<p><strong>Rolling back</strong>');
    expect(body).not.toContain('Rolling out');
    expect(body).toContain('<li class="step step-done">Updating</li>');
    expect(body).toContain(
      '<li class="step step-failed" title="failed: the rollback started here">Waiting ✗</li>',
    );
    for (const never of ['Verifying', 'Invalidating']) {
      expect(body).toContain(`<li class="step step-skipped" title="not run">${never}</li>`);
      expect(body).not.toContain(`<li class="step step-done">${never}</li>`);
    }
    expect(body).toContain('<li class="phase">Rollback</li><li class="step step-current">RollingBack</li>');
    expect(body).toContain('data-health="Progressing"');
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
                message: 'the new version was not served within 60 s',
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
    expect(body).toContain('the new version was not served within 60 s</span></li>');
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
    const degraded = serviceStatus({
      name: 'a',
      tasks: { desired: 2, running: 0, pending: 0, observedAt: 't' },
    });
    const synced = serviceStatus({
      name: 'b',
      desired: { ...serviceStatus().desired!, digest: DIGEST_A },
      sync: { state: 'Synced', reason: 'R', message: '', since: 's' },
    });
    const outOfSync = serviceStatus({ name: 'd' });
    const app = await build(
      fakeRuntime(deployerStatus({ services: [degraded, synced, { ...degraded, name: 'c' }, outOfSync] })),
    );
    expect((await app.inject({ method: 'GET', url: '/' })).body).toContain(
      '<title>2 Degraded, 1 OutOfSync · ecs-gitops</title>',
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
