// The dashboard in headless Chromium against the real deployer process on the local stand-ins: push an
// image and watch the page go Progressing then Synced without a reload; push a broken one and watch
// Failed with the reason. Screenshots go to test-artifacts/dashboard/.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalWorld, startLocalWorld } from '../../../local/world.ts';
import { type DeployerProcess, startDeployer } from './deployer-process.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const ROOT = path.resolve(import.meta.dirname, '../../..');
const ARTIFACTS = path.join(ROOT, 'test-artifacts/dashboard');
const TOKEN = 'e2e-dashboard-token-0123456789';
const STEP_TIMEOUT_MS = 30_000;

describe.runIf(!HAVE_CHROMIUM && process.env.CI)('dashboard in Chromium (CI)', () => {
  it('needs Chromium on CI', () => {
    expect.fail(
      `${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH`,
    );
  });
});

describe.skipIf(!HAVE_CHROMIUM)('dashboard in Chromium', () => {
  let world: LocalWorld;
  let deployer: DeployerProcess;
  let browser: Browser;
  let page: Page;
  let configDir: string;

  beforeAll(async () => {
    world = await startLocalWorld({
      timing: {
        tickMs: 25,
        healthPollMs: 25,
        healthTimeoutMs: 10_000,
        stopGraceMs: 500,
        invalidationMs: 200,
      },
      logger: pino({ level: 'error' }),
    });
    configDir = await mkdtemp(path.join(tmpdir(), 'ecs-gitops-dashboard-'));
    await writeActorsConfig(configDir, `${world.serviceUrl('actors')}/version`);
    deployer = await startDeployer({
      ...world.env(),
      DEPLOYER_MODE: 'aws',
      CONFIG_PATH: configDir,
      STATUS_TOKEN: TOKEN,
      GITHUB_WEBHOOK_SECRET: 'e2e-dashboard-secret',
      WAIT_POLL_MS: '100',
      VISIBILITY_TIMEOUT_SECONDS: '30',
      HEARTBEAT_SECONDS: '5',
      LOG_LEVEL: 'info',
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await mkdir(ARTIFACTS, { recursive: true });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await deployer?.stop();
    await world?.stop();
    if (configDir) await rm(configDir, { recursive: true, force: true });
  }, 60_000);

  const card = '[data-service="actors"]';
  const waitForState = (state: string, extra = '') =>
    page.waitForSelector(`${card}[data-state="${state}"]${extra}`, { timeout: STEP_TIMEOUT_MS });
  const screenshot = (name: string) =>
    page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });

  it('signs in with ?token=, then shows a push going Progressing and Synced without reloading', async () => {
    try {
      await page.goto(`${deployer.url}/?token=${TOKEN}`);
      expect(new URL(page.url()).search).toBe(''); // the token left the address bar
      await waitForState('Synced');
      await page.waitForSelector('#live.live-connected', { timeout: STEP_TIMEOUT_MS });
      // A marker that a reload would wipe: the page must update in place.
      await page.evaluate(() => {
        (globalThis as unknown as { marker: string }).marker = 'no reload';
      });
      await screenshot('1-synced-1.0.0');

      await world.push('actors', '1.1.0');
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
      await world.push('actors', '1.2.0', { broken: true });
      await waitForState('Progressing');
      await waitForState('Failed');
      await screenshot('4-failed-1.2.0');
      expect(await page.title()).toBe('1 Failed · ecs-gitops');
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
});

/** The repository's actors config, verified against this world's load balancer, with fast timings. */
async function writeActorsConfig(dir: string, verifyUrl: string): Promise<void> {
  const source = await readFile(path.join(ROOT, 'config/services/actors.yaml'), 'utf8');
  const text = source
    .replace(/url: http:\/\/127\.0\.0\.1:5080\/version/, `url: ${verifyUrl}`)
    .replace(/successes: \d+/, 'successes: 2')
    .replace(/timeoutSeconds: 60/, 'timeoutSeconds: 20\n  intervalSeconds: 1');
  if (!text.includes(verifyUrl))
    throw new Error('config/services/actors.yaml no longer has the verify URL this test rewrites');
  await mkdir(path.join(dir, 'services'), { recursive: true });
  await writeFile(path.join(dir, 'services/actors.yaml'), text);
}
