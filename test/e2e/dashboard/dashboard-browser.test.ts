// The page's own behaviour in headless Chromium, against buildServer over the fake runtime (fast and
// deterministic): live updates over SSE, the polling fallback when the stream is blocked, and that
// hostile names from config or ECS stay text in a real browser.

import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HAVE_CHROMIUM, launchChromium } from '../../support/chromium.ts';
import {
  FAKE_DIGEST_V1,
  FAKE_DIGEST_V2,
  type FakeRuntime,
  fakeDeployerStatus,
  fakeServiceStatus,
} from '../../support/fake-runtime.ts';
import { TEST_TOKEN, testServer } from '../../support/test-server.ts';

/** The views a newcomer meets (issue 18): looked at by a person, checked by text here. */
const ARTIFACTS = path.resolve(import.meta.dirname, '../../../test-artifacts/dashboard-views');
async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

describe.skipIf(!HAVE_CHROMIUM)('dashboard page in Chromium (fake runtime)', () => {
  let app: FastifyInstance;
  let runtime: FakeRuntime;
  let url: string;
  let browser: Browser;
  // One tab for the whole file: each new tab costs Chromium ~0.45 CPU-s (a renderer process). Every
  // test starts from a fresh document, as in a new tab: leave() drops the test's routes, navigates away
  // (closing its event stream and timers) and clears the cookies (the page keeps nothing in storage).
  let tab: Page;
  const freshPage = async () => tab;
  const leave = async (page: Page) => {
    await page.unrouteAll({ behavior: 'ignoreErrors' });
    await page.goto('about:blank');
    await page.context().clearCookies();
  };

  beforeAll(async () => {
    ({ app, runtime } = await testServer({ mode: 'local' }));
    url = await app.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchChromium();
    tab = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  }, 30_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });
  beforeEach(() => {
    runtime.setStatus(fakeDeployerStatus());
  });

  /** The page's poll interval and its wait before a new event stream (deployer/http/dashboard/page-script.ts). */
  const POLL_INTERVAL_MS = 2_000;
  const RECONNECT_MS = 3_000;
  /**
   * Puts the tab's timers on Playwright's clock (https://playwright.dev/docs/clock): time flows as
   * usual, and a test that waits on one of the page's production intervals (the 2 s poll, the 3 s
   * before a new event stream) moves the clock on by that interval instead of sitting it out. The
   * clock stays for the rest of the file (it cannot be taken off a context) and slows every later
   * page by ~0.5 s, so the tests that use it come last.
   */
  let clockInstalled = false;
  const withClock = async (page: Page) => {
    if (!clockInstalled) await page.clock.install();
    clockInstalled = true;
    return page;
  };

  const failed = () =>
    fakeDeployerStatus({
      services: [
        fakeServiceStatus('actors', {
          sync: { state: 'Failed', reason: 'VerifyTimeout', message: 'no 200 from /version', since: 'x' },
        }),
      ],
    });

  it('re-renders from server-sent events without reloading', async () => {
    const page = await freshPage();
    try {
      await page.goto(url);
      await page.waitForSelector('#live.live-connected');
      await page.evaluate(() => {
        (globalThis as unknown as { marker: number }).marker = 1;
      });
      runtime.setStatus(failed());
      await page.waitForSelector('[data-service="actors"][data-state="Failed"]', { timeout: 5000 });
      expect(await page.textContent('[data-service="actors"] .sync-reason strong')).toBe('VerifyTimeout');
      expect(await page.title()).toBe('1 Failed · ecs-gitops');
      expect(await page.evaluate(() => (globalThis as unknown as { marker?: number }).marker)).toBe(1);
    } finally {
      await leave(page);
    }
  });

  it('keeps a folded section the reader opened open across updates', async () => {
    // The latest three are in view; older ones are folded.
    const withEvents = (message: string) =>
      fakeDeployerStatus({
        services: [
          fakeServiceStatus('actors', {
            events: [1, 2, 3, 4].map((n) => ({
              id: `${message}-${n}`,
              createdAt: `x${9 - n}`,
              message: `${message} ${n}`,
            })),
          }),
        ],
      });
    runtime.setStatus(withEvents('first event'));
    const page = await freshPage();
    try {
      await page.goto(url);
      await page.waitForSelector('#live.live-connected');
      await page.click('[data-service="actors"] details.events summary');
      runtime.setStatus(withEvents('second event'));
      await page.waitForSelector('text=second event 4');
      expect(await page.locator('[data-service="actors"] details.events').getAttribute('open')).toBe('');
    } finally {
      await leave(page);
    }
  });

  it('says to reload when the session ran out, instead of calling the deployer unreachable', async () => {
    const page = await freshPage();
    try {
      // What an expired session looks like from the page: the stream and the state answer 401.
      await page.route('**/dashboard/events', (route) => route.fulfill({ status: 401, body: '{}' }));
      await page.route('**/dashboard/state', (route) => route.fulfill({ status: 401, body: '{}' }));
      await page.goto(url);
      await page.waitForSelector('#live.live-offline', { timeout: 8000 });
      expect(await page.textContent('#live')).toBe('signed out: reload the page to sign in again');
    } finally {
      await leave(page);
    }
  });

  it('says so when the deployer goes away, and reconnects when it is back', async () => {
    const first = await testServer({ mode: 'local' });
    const address = await first.app.listen({ host: '127.0.0.1', port: 0 });
    const port = Number(new URL(address).port);
    const page = await freshPage();
    let second: Awaited<ReturnType<typeof testServer>> | undefined;
    try {
      await page.goto(address);
      await page.waitForSelector('#live.live-connected');
      await first.app.close(); // ends the event stream; polling finds nobody
      await page.waitForSelector('#live.live-offline', { timeout: 8000 });
      expect(await page.textContent('#live')).toMatch(
        /^deployer unreachable since \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ, retrying$/,
      );
      // The cards stay, greyed, under a banner that says since when they are stale.
      expect(await page.isVisible('#stale')).toBe(true);
      expect(await page.textContent('#stale')).toMatch(/^No answer from the deployer since \d{4}-/);
      expect(await page.evaluate("document.body.classList.contains('stale')")).toBe(true);
      const filter = await page.evaluate(
        `getComputedStyle(document.querySelector('[data-service="actors"]')).filter`,
      );
      expect(filter).toBe('grayscale(1)');
      await screenshot(page, 'unreachable');
      second = await testServer({ mode: 'local' });
      second.runtime.setStatus(failed());
      await second.app.listen({ host: '127.0.0.1', port });
      await page.waitForSelector('[data-service="actors"][data-state="Failed"]', { timeout: 8000 });
      await page.waitForSelector('#live.live-connected', { timeout: 8000 });
      expect(await page.isVisible('#stale')).toBe(false);
      expect(await page.evaluate("document.body.classList.contains('stale')")).toBe(false);
    } finally {
      await leave(page);
      await second?.app.close();
    }
  });

  it('keeps hostile service names and messages as text in a real browser', async () => {
    const hostile = '<img src=x onerror="globalThis.pwned=1">';
    runtime.setStatus(
      fakeDeployerStatus({
        services: [
          fakeServiceStatus(hostile, {
            sync: {
              state: 'Degraded',
              reason: '<script>globalThis.pwned=2</script>',
              message: hostile,
              since: 'x',
            },
          }),
        ],
      }),
    );
    const page = await freshPage();
    try {
      await page.goto(url);
      await page.waitForSelector('#live.live-connected');
      // Once from the server render, once more from a pushed update (innerHTML path).
      runtime.setStatus(runtime.status());
      await page.waitForFunction(
        () =>
          Number(
            (globalThis as unknown as { document: { body: { dataset: { updates?: string } } } }).document.body
              .dataset.updates ?? 0,
          ) >= 1,
      );
      // The name stays text; the card's own history link follows it.
      expect(await page.textContent('.card-head h2')).toBe(`${hostile} history`);
      expect(await page.locator('.card img').count()).toBe(0);
      expect(await page.evaluate(() => (globalThis as unknown as { pwned?: number }).pwned)).toBeUndefined();
    } finally {
      await leave(page);
    }
  });
  const REPO = '000000000000.dkr.ecr.us-east-1.amazonaws.com/actors';
  const rolledBack = () =>
    fakeServiceStatus('actors', {
      desired: {
        image: `${REPO}@${FAKE_DIGEST_V2}`,
        digest: FAKE_DIGEST_V2,
        tag: '1.2.0',
        reason: 'highest match for ^1.0.0',
        policy: { semver: '^1.0.0' },
      },
      sync: {
        state: 'Failed',
        reason: 'DeploymentFailed',
        message: 'ECS stopped the new tasks; rolled back to 1.0.0',
        since: '2026-01-01T00:01:00.000Z',
      },
      failedDigests: [
        {
          digest: FAKE_DIGEST_V2,
          reason: 'DeploymentFailed',
          failedAt: '2026-01-01T00:01:00.000Z',
          rolloutId: 'r-1',
        },
      ],
    });

  it('shows a service rolled back after a failure as Healthy and OutOfSync, with the reason (failed view)', async () => {
    runtime.setStatus(fakeDeployerStatus({ services: [rolledBack()] }));
    const page = await freshPage();
    try {
      await page.goto(url);
      await page.waitForSelector('[data-service="actors"][data-state="Failed"]');
      // What runs is healthy; what git wants is not reached: no red Failed health.
      const badges = page.locator('[data-service="actors"] .health');
      expect(await badges.getAttribute('data-health')).toBe('Healthy');
      expect(await badges.getAttribute('data-drift')).toBe('OutOfSync');
      expect(await page.textContent('[data-service="actors"]')).toContain('DeploymentFailed');
      await screenshot(page, 'failed');
    } finally {
      await leave(page);
    }
  });

  it('during a rollback shows the step that failed and never greens the steps that did not run (rolling-back view)', async () => {
    runtime.setStatus(
      fakeDeployerStatus({
        services: [
          fakeServiceStatus('actors', {
            sync: { state: 'Progressing', reason: 'RollingBack', message: 'rolling back', since: 'x' },
            currentRollout: {
              id: 'r-1',
              step: 'RollingBack',
              failedStep: 'Verifying',
              startedAt: '2026-01-01T00:00:30.000Z',
              from: { image: `${REPO}@${FAKE_DIGEST_V1}`, digest: FAKE_DIGEST_V1, tag: '1.0.0' },
              to: { image: `${REPO}@${FAKE_DIGEST_V2}`, digest: FAKE_DIGEST_V2, tag: '1.2.0' },
            },
          }),
        ],
      }),
    );
    const page = await freshPage();
    try {
      await page.goto(url);
      const rollout = page.locator('[data-service="actors"] .current-rollout.rolling-back');
      await rollout.waitFor();
      expect(await rollout.locator('p strong').textContent()).toBe('Rolling back');
      expect(await rollout.locator('.step-failed').textContent()).toBe('Verifying ✗');
      expect(await rollout.locator('.step-skipped').allTextContents()).toEqual(['Invalidating']);
      expect(await rollout.locator('.step-done').allTextContents()).not.toContain('Verifying');
      expect(await rollout.locator('.step-done').allTextContents()).not.toContain('Invalidating');
      await screenshot(page, 'rolling-back');
    } finally {
      await leave(page);
    }
  });

  it('shows a canary in progress: the phase, the split as a bar and the answers (strategy view)', async () => {
    runtime.setStatus(
      fakeDeployerStatus({
        services: [
          fakeServiceStatus('actors', {
            sync: { state: 'Progressing', reason: 'RolloutStarted', message: 'rolling out', since: 'x' },
            currentRollout: {
              id: 'r-2',
              step: 'Waiting',
              startedAt: '2026-01-01T00:00:30.000Z',
              from: { image: `${REPO}@${FAKE_DIGEST_V1}`, digest: FAKE_DIGEST_V1, tag: '1.0.0' },
              to: { image: `${REPO}@${FAKE_DIGEST_V2}`, digest: FAKE_DIGEST_V2, tag: '1.2.0' },
              strategy: {
                strategy: 'canary',
                serviceDeploymentArn: 'arn:aws:ecs:eu-west-1:123456789012:service-deployment/gitops/actors/x',
                stage: 'PRODUCTION_TRAFFIC_SHIFT',
                phase: 'canary 10 %',
                productionPercent: 10,
                newAnswers: 2,
                oldAnswers: 17,
              },
            },
          }),
        ],
      }),
    );
    const page = await freshPage();
    try {
      await page.goto(url);
      const progress = page.locator('[data-service="actors"] .strategy-progress');
      await progress.waitFor();
      expect(await progress.textContent()).toContain(
        'canary 10 % · production 10 % new · 90 % old · answers 2 new, 17 old',
      );
      expect(await progress.locator('progress').getAttribute('value')).toBe('10');
      expect(await progress.locator('progress').isVisible()).toBe(true);
      await screenshot(page, 'canary');
    } finally {
      await leave(page);
    }
  });

  it('opens the history page from the card, with trigger and result per revision (history view)', async () => {
    runtime.setHistory({
      service: 'actors',
      cluster: 'gitops',
      ecsService: 'actors',
      family: 'actors',
      liveTaskDefinitionArn: 'arn:aws:ecs:us-east-1:0:task-definition/actors:1',
      revisions: [
        {
          taskDefinitionArn: 'arn:aws:ecs:us-east-1:0:task-definition/actors:2',
          revision: 'actors:2',
          live: false,
          image: `${REPO}@${FAKE_DIGEST_V2}`,
          digest: FAKE_DIGEST_V2,
          tag: '1.2.0',
          result: 'RolledBack',
          reason: 'DeploymentFailed',
          startedAt: '2026-01-01T00:00:30.000Z',
          finishedAt: '2026-01-01T00:01:00.000Z',
          durationMs: 30_000,
          trigger: { kind: 'git-push', commit: 'a'.repeat(40), author: 'Grace Hopper', message: 'Bump' },
          links: {},
        },
        {
          taskDefinitionArn: 'arn:aws:ecs:us-east-1:0:task-definition/actors:1',
          revision: 'actors:1',
          live: true,
          image: `${REPO}@${FAKE_DIGEST_V1}`,
          links: {},
        },
      ],
      more: 0,
    });
    const page = await freshPage();
    try {
      await page.goto(url);
      await page.click('[data-service="actors"] a.history');
      await page.waitForURL(/\/history$/);
      const text = (await page.textContent('body')) ?? '';
      expect(text).toContain('actors:2');
      expect(text).toContain('RolledBack');
      expect(text).toContain('Grace Hopper');
      await screenshot(page, 'history');
    } finally {
      await leave(page);
    }
  });
  it('an operator signs in, syncs, and rolls back only after confirming (operator actions)', async () => {
    const operated = await testServer({
      mode: 'aws',
      apiTokens: [{ name: 'ops', scope: 'operate', secret: TEST_TOKEN }],
    });
    const page = await freshPage();
    try {
      const base = await operated.app.listen({ host: '127.0.0.1', port: 0 });
      await page.goto(`${base}/dashboard`);
      await page.fill('input[name="token"]', TEST_TOKEN);
      await page.click('button[type="submit"]');
      const actions = page.locator('[data-service="actors"] .actions');
      await actions.locator('button[data-action="sync"]').click({ timeout: 5000 });
      await page.waitForSelector('#action-result.action-ok:text-matches("^sync actors: accepted")');
      expect(operated.runtime.calls.filter((c) => c.method === 'sync')).toHaveLength(1);

      // Roll back asks first: Cancel sends nothing, Roll back sends it.
      await actions.locator('button[data-action="rollback"]').click();
      await page.waitForSelector('#confirm-rollback[open]', { timeout: 5000 });
      expect(await page.textContent('#confirm-rollback [data-confirm-service]')).toBe('actors');
      await screenshot(page, 'operator-confirm-rollback');
      await page.click('#confirm-rollback button[value="cancel"]', { timeout: 5000 });
      await page.waitForSelector('#confirm-rollback:not([open])', { state: 'attached', timeout: 5000 });
      expect(operated.runtime.calls.filter((c) => c.method === 'rollback')).toHaveLength(0);
      await actions.locator('button[data-action="rollback"]').click();
      await page.click('#confirm-rollback button[value="rollback"]');
      // The answer, not the "rollback actors: sending…" the banner shows before it.
      const answered = '#action-result.action-ok:text-matches("^rollback actors: (accepted|done)")';
      await page.waitForSelector(answered, { timeout: 5000 });
      expect(operated.runtime.calls.filter((c) => c.method === 'rollback')).toHaveLength(1);
    } finally {
      await leave(page);
      await operated.app.close();
    }
  });

  // Last: they put the tab on Playwright's clock (withClock).
  it('falls back to polling /dashboard/state when the event stream is blocked', async () => {
    const page = await withClock(await freshPage());
    try {
      await page.route('**/events', (route) => route.abort());
      await page.goto(url);
      await page.waitForSelector('#live.live-polling', { timeout: 5000 });
      runtime.setStatus(failed());
      // The next poll, one interval on: the change reaches the page through it.
      await page.clock.fastForward(POLL_INTERVAL_MS);
      await page.waitForSelector('[data-service="actors"][data-state="Failed"]', { timeout: 5000 });
      expect(await page.textContent('#live')).toBe('polling every 2 s');
    } finally {
      await leave(page);
    }
  });

  it('opens a new event stream after the browser gave one up on an HTTP error', async () => {
    const page = await withClock(await freshPage());
    try {
      let refusals = 0;
      await page.route('**/events', (route) => {
        if (refusals > 0) return route.continue();
        refusals += 1;
        return route.fulfill({ status: 503, body: 'restarting' }); // EventSource does not retry this
      });
      await page.goto(url);
      await page.waitForSelector('#live.live-polling', { timeout: 5000 });
      // The page opens a new stream RECONNECT_MS after the browser gave the first one up.
      await page.clock.fastForward(RECONNECT_MS);
      await page.waitForSelector('#live.live-connected', { timeout: 8000 });
      runtime.setStatus(failed());
      await page.waitForSelector('[data-service="actors"][data-state="Failed"]', { timeout: 5000 });
      expect(await page.textContent('#live')).toBe('live'); // polling stopped for good
    } finally {
      await leave(page);
    }
  });
});
