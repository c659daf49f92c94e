// The page's own behaviour in headless Chromium, against buildServer over the fake runtime (fast and
// deterministic): live updates over SSE, the polling fallback when the stream is blocked, and that
// hostile names from config or ECS stay text in a real browser.
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HAVE_CHROMIUM, launchChromium } from '../../support/chromium.ts';
import { type FakeRuntime, fakeDeployerStatus, fakeServiceStatus } from '../../support/fake-runtime.ts';
import { testServer } from '../../support/test-server.ts';

describe.skipIf(!HAVE_CHROMIUM)('dashboard page in Chromium (fake runtime)', () => {
  let app: FastifyInstance;
  let runtime: FakeRuntime;
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    ({ app, runtime } = await testServer({ mode: 'local' }));
    url = await app.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchChromium();
  }, 30_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });
  beforeEach(() => {
    runtime.setStatus(fakeDeployerStatus());
  });

  const failed = () =>
    fakeDeployerStatus({
      services: [
        fakeServiceStatus('actors', {
          sync: { state: 'Failed', reason: 'VerifyTimeout', message: 'no 200 from /version', since: 'x' },
        }),
      ],
    });

  it('re-renders from server-sent events without reloading', async () => {
    const page = await browser.newPage();
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
      await page.close();
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
    const page = await browser.newPage();
    try {
      await page.goto(url);
      await page.waitForSelector('#live.live-connected');
      await page.click('[data-service="actors"] details.events summary');
      runtime.setStatus(withEvents('second event'));
      await page.waitForSelector('text=second event 4');
      expect(await page.locator('[data-service="actors"] details.events').getAttribute('open')).toBe('');
    } finally {
      await page.close();
    }
  });

  it('falls back to polling /dashboard/state when the event stream is blocked', async () => {
    const page = await browser.newPage();
    try {
      await page.route('**/events', (route) => route.abort());
      await page.goto(url);
      await page.waitForSelector('#live.live-polling', { timeout: 5000 });
      runtime.setStatus(failed());
      await page.waitForSelector('[data-service="actors"][data-state="Failed"]', { timeout: 5000 });
      expect(await page.textContent('#live')).toBe('polling every 2 s');
    } finally {
      await page.close();
    }
  });

  it('says to reload when the session ran out, instead of calling the deployer unreachable', async () => {
    const page = await browser.newPage();
    try {
      // What an expired session looks like from the page: the stream and the state answer 401.
      await page.route('**/dashboard/events', (route) => route.fulfill({ status: 401, body: '{}' }));
      await page.route('**/dashboard/state', (route) => route.fulfill({ status: 401, body: '{}' }));
      await page.goto(url);
      await page.waitForSelector('#live.live-offline', { timeout: 8000 });
      expect(await page.textContent('#live')).toBe('signed out: reload the page to sign in again');
    } finally {
      await page.close();
    }
  });

  it('opens a new event stream after the browser gave one up on an HTTP error', async () => {
    const page = await browser.newPage();
    try {
      let refusals = 0;
      await page.route('**/events', (route) => {
        if (refusals > 0) return route.continue();
        refusals += 1;
        return route.fulfill({ status: 503, body: 'restarting' }); // EventSource does not retry this
      });
      await page.goto(url);
      await page.waitForSelector('#live.live-polling', { timeout: 5000 });
      await page.waitForSelector('#live.live-connected', { timeout: 8000 });
      runtime.setStatus(failed());
      await page.waitForSelector('[data-service="actors"][data-state="Failed"]', { timeout: 5000 });
      expect(await page.textContent('#live')).toBe('live'); // polling stopped for good
    } finally {
      await page.close();
    }
  });

  it('says so when the deployer goes away, and reconnects when it is back', async () => {
    const first = await testServer({ mode: 'local' });
    const address = await first.app.listen({ host: '127.0.0.1', port: 0 });
    const port = Number(new URL(address).port);
    const page = await browser.newPage();
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
      second = await testServer({ mode: 'local' });
      second.runtime.setStatus(failed());
      await second.app.listen({ host: '127.0.0.1', port });
      await page.waitForSelector('[data-service="actors"][data-state="Failed"]', { timeout: 8000 });
      await page.waitForSelector('#live.live-connected', { timeout: 8000 });
      expect(await page.isVisible('#stale')).toBe(false);
      expect(await page.evaluate("document.body.classList.contains('stale')")).toBe(false);
    } finally {
      await page.close();
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
    const page = await browser.newPage();
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
      expect(await page.textContent('.card-head h2')).toBe(hostile);
      expect(await page.locator('.card img').count()).toBe(0);
      expect(await page.evaluate(() => (globalThis as unknown as { pwned?: number }).pwned)).toBeUndefined();
    } finally {
      await page.close();
    }
  });
});
