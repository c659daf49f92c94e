// The dashboard in headless Chromium against the real deployer process on the local stand-ins: push an
// image and watch the page go Progressing then Synced without a reload; push a broken one and watch
// Failed with the reason. Screenshots go to test-artifacts/dashboard/. The echo task plays the actors
// images (the claims are the deployer's page and CLI, not the service's: ~0.12 CPU-s a task start
// instead of ~0.35), and the CLI runs in-process against the deployer's real HTTP (the spawned entry has
// tests of its own, test/integration/cli/).
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_PATH, HAVE_CHROMIUM, launchChromium } from '../../support/chromium.ts';
import { runCliInProcess } from '../../support/cli-in-process.ts';
import type { DeployerProcess } from '../../support/deployer-process.ts';
import {
  E2E_TIMING,
  E2E_TOKEN,
  type E2eEnvironment,
  startE2eEnvironment,
} from '../../support/e2e-environment.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const ARTIFACTS = path.join(ROOT, 'test-artifacts/dashboard');
const STEP_TIMEOUT_MS = 30_000;

describe.runIf(!HAVE_CHROMIUM && process.env.CI)('dashboard in Chromium (CI)', () => {
  it('needs Chromium on CI', () => {
    expect.fail(
      `${CHROMIUM_PATH} is missing: install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH`,
    );
  });
});

describe.skipIf(!HAVE_CHROMIUM)('dashboard in Chromium', () => {
  let environment: E2eEnvironment;
  let deployer: DeployerProcess;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    // aws mode, config from a git repository: the production path. Verification slow enough (2 probes,
    // 1 s apart) that Progressing is on screen for a while; task starts may be slow on a loaded machine.
    environment = await startE2eEnvironment({
      actors: { verifySuccesses: 2, verifyIntervalSeconds: 1 },
      world: { timing: { ...E2E_TIMING, healthTimeoutMs: 10_000 } },
      workload: 'echo',
    });
    deployer = await environment.startDeployer();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await mkdir(ARTIFACTS, { recursive: true });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await environment?.cleanup();
  }, 60_000);

  const card = '[data-service="actors"]';
  const waitForState = (state: string, extra = '') =>
    page.waitForSelector(`${card}[data-state="${state}"]${extra}`, { timeout: STEP_TIMEOUT_MS });
  const screenshot = (name: string) =>
    page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });

  it('signs in through the form, then shows a push going Progressing and Synced without reloading', async () => {
    try {
      // The path AWS routes to the deployer (in AWS, `/` is the managed service's). No session yet:
      // the sign-in form; submitting it POSTs the token and comes back with a session cookie.
      await page.goto(`${deployer.url}/dashboard`);
      await page.fill('input[name="token"]', E2E_TOKEN);
      await screenshot('0-sign-in');
      await page.click('button[type="submit"]');
      await page.waitForURL(`${deployer.url}/dashboard`);
      expect(new URL(page.url()).search).toBe(''); // the token left the address bar
      expect(new URL(page.url()).pathname).toBe('/dashboard');
      await waitForState('Synced');
      await page.waitForSelector('#live.live-connected', { timeout: STEP_TIMEOUT_MS });
      // A marker that a reload would wipe: the page must update in place.
      await page.evaluate(() => {
        (globalThis as unknown as { marker: string }).marker = 'no reload';
      });
      await screenshot('1-synced-1.0.0');

      await environment.world.push('actors', '1.1.0');
      await waitForState('Progressing');
      await page.waitForSelector(`${card} .current-rollout`, { timeout: STEP_TIMEOUT_MS });
      await screenshot('2-progressing-1.1.0');

      await waitForState('Synced', ':has(.live-image:text-matches("^1\\\\.1\\\\.0@"))');
      await screenshot('3-synced-1.1.0');
      expect(await page.textContent(`${card} .desired-image`)).toMatch(/^1\.1\.0@[0-9a-f]{12}$/);
      expect(await page.textContent(`${card} table.rollouts tbody tr:first-child`)).toContain('Succeeded');
      expect(await page.evaluate(() => (globalThis as unknown as { marker?: string }).marker)).toBe(
        'no reload',
      );
    } catch (error) {
      await screenshot('failure-push').catch(() => {});
      throw new Error(`${String(error)}\n--- deployer output (tail) ---\n${deployer.output().slice(-4000)}`);
    }
  }, 90_000);

  it('shows a broken image as Failed with the reason, and the live image rolled back', async () => {
    try {
      await environment.world.push('actors', '1.2.0', { broken: true });
      await waitForState('Progressing');
      await waitForState('Failed');
      await screenshot('4-failed-1.2.0');
      // Rolled back to 1.1.0, which runs healthily: not an outage, but not what git wants either.
      expect(await page.title()).toBe('1 OutOfSync · ecs-gitops');
      const reason = (await page.textContent(`${card} .sync-reason strong`)) ?? '';
      expect(reason).toMatch(/^[A-Z][A-Za-z]+$/); // a PascalCase reason such as DeploymentFailed
      expect(await page.textContent(`${card} .failed-digests`)).toContain(reason);
      const firstRollout = (await page.textContent(`${card} table.rollouts tbody tr:first-child`)) ?? '';
      expect(firstRollout).toMatch(/RolledBack|Failed/);
      expect(firstRollout).toContain('1.2.0');
      await page.waitForSelector(`${card} .live-image:text-matches("^1\\\\.1\\\\.0@")`, {
        timeout: STEP_TIMEOUT_MS,
      });
      expect(await page.evaluate(() => (globalThis as unknown as { marker?: string }).marker)).toBe(
        'no reload',
      );
    } catch (error) {
      await screenshot('failure-broken').catch(() => {});
      throw new Error(`${String(error)}\n--- deployer output (tail) ---\n${deployer.output().slice(-4000)}`);
    }
  }, 90_000);

  it('the CLI tells the same story: diff exits 2, a forced sync --wait retries the broken image and exits 1', async () => {
    const env = { ECS_GITOPS_URL: deployer.url, ECS_GITOPS_TOKEN: E2E_TOKEN };
    const diff = await cli(['diff'], env);
    expect(diff.code, diff.stderr).toBe(2);
    expect(diff.stdout).toMatch(/^~ +actors +1\.2\.0@[0-9a-f]{12} +1\.1\.0@[0-9a-f]{12} +Failed: /m);
    const before = (await deployer.service('actors')).recentRollouts.find((r) => r.to.tag === '1.2.0');
    const sync = await cli(['sync', 'actors', '--wait', '--timeout', '60'], env);
    expect(sync.code, sync.stdout + sync.stderr).toBe(1);
    expect(sync.stderr).toMatch(/^actors: Failed \(/m);
    // The forced sync really retried the remembered failed digest (same rollout id, a new attempt).
    const after = (await deployer.service('actors')).recentRollouts.find((r) => r.to.tag === '1.2.0');
    expect(after?.result).not.toBe('Succeeded');
    expect(Date.parse(after?.startedAt ?? '')).toBeGreaterThan(Date.parse(before?.startedAt ?? ''));
    await waitForState('Failed');
    expect(await page.evaluate(() => (globalThis as unknown as { marker?: string }).marker)).toBe(
      'no reload',
    );
  }, 90_000);
});

function cli(args: string[], env: Record<string, string>) {
  return runCliInProcess(args, { env });
}
