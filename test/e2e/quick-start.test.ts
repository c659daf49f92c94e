// Runs docs/quick-start.md as written: every `sh` block's commands, every `yaml` edit of
// config/services/actors.yaml, and every `<!-- expect: ... -->` checkpoint, in document order.
// Differences from a human run, all about isolation: a copy of config/ in a temp dir (CONFIG_PATH),
// free ports instead of 8080/4600-4603/5080 (URLs in commands are rewritten to the banner's), and `npm run local:push`
// and `npx ecs-gitops` run in this process: what their entries run (runPush of local/push.ts, runCli
// as bin/ecs-gitops.js runs it), with their environment, arguments and exit code, without a node
// process each (nine of them cost ~6 CPU-s). The entries themselves run as processes elsewhere:
// test/integration/cli/bin.test.ts runs the real `npx ecs-gitops`, and
// test/integration/local/main-and-lb.test.ts runs local/push.ts. `npm start` is the real deployer
// (`node deployer/main.ts`; test/e2e/npm-start-signals.test.ts runs it through npm), and this run is
// also where local mode's own claims are checked (they were test/e2e/deployer/local-mode.test.ts's,
// with a deployer of its own): the banner and its generated token, which guards the API and is never
// logged, config edits picked up without a restart (the pin), and Ctrl-C: exit 0, no task left.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, parseDocument } from 'yaml';
import type { DeployerStatus, ServiceStatus } from '../../deployer/contract/status-model.ts';
import { runPush } from '../../local/push-command.ts';
import { runCaptured, runCliInProcess } from '../support/cli-in-process.ts';
import { type DeployerProcess, spawnDeployer } from '../support/deployer-process.ts';
import { ANY_FREE_LOCAL_PORTS } from '../support/free-local-ports.ts';
import { isAlive } from '../support/process-alive.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DOC = path.join(ROOT, 'docs/quick-start.md');
const CHECKPOINT_TIMEOUT_MS = 90_000;

type QuickStartStep =
  | { kind: 'sh'; command: string }
  | { kind: 'yaml'; text: string }
  | { kind: 'expect'; what: string };

/** The runnable parts of the guide in order: shell commands, YAML edits, checkpoints. */
function quickStartSteps(markdown: string): QuickStartStep[] {
  const steps: QuickStartStep[] = [];
  const pattern = /```(sh|yaml)\n([\s\S]*?)```|<!-- expect: (.+?) -->/g;
  for (const match of markdown.matchAll(pattern)) {
    if (match[3]) steps.push({ kind: 'expect', what: match[3].trim() });
    else if (match[1] === 'yaml') steps.push({ kind: 'yaml', text: match[2] ?? '' });
    else
      for (const line of (match[2] ?? '').split('\n')) {
        const command = line.trim();
        if (command !== '' && !command.startsWith('#')) steps.push({ kind: 'sh', command });
      }
  }
  return steps;
}

const markdown = await readFile(DOC, 'utf8');
const steps = quickStartSteps(markdown);

describe('docs/quick-start.md', () => {
  it('walks through the issue 7 tour (start, dashboard, push, pin, unpin, broken push) and a canary', () => {
    const outline = steps.map((s) =>
      s.kind === 'sh' ? s.command : s.kind === 'expect' ? `expect ${s.what}` : 'yaml',
    );
    expect(outline).toEqual([
      'npm ci',
      'npm start',
      'expect dashboard',
      'npm run local:push -- actors 1.1.0',
      'expect actors Synced 1.1.0',
      'npx ecs-gitops status',
      'curl -s http://127.0.0.1:5080/version',
      'yaml',
      'expect actors Synced 1.0.0',
      'npx ecs-gitops diff',
      'yaml',
      'expect actors Synced 1.1.0',
      'npm run local:push -- actors 1.2.0 --broken',
      'expect actors Failed 1.1.0',
      'npx ecs-gitops status actors',
      'yaml',
      'npm run local:push -- actors 1.3.0',
      'expect actors phase canary 10 %',
      'npx ecs-gitops status actors',
      'expect actors Synced 1.3.0',
      'npm run local:push -- actors 1.4.0 --serves-errors',
      'expect actors Failed 1.3.0',
      'git checkout -- config/services/actors.yaml',
    ]);
  });

  describe('run as written', () => {
    let deployer: DeployerProcess | undefined;
    let work: string | undefined;
    afterAll(async () => {
      await deployer?.shutdown();
      if (work) await rm(work, { recursive: true, force: true });
    }, 30_000);

    it('every command succeeds and every checkpoint is reached', async () => {
      work = await mkdtemp(path.join(tmpdir(), 'ecs-gitops-quick-start-'));
      const configDir = path.join(work, 'config');
      await cp(path.join(ROOT, 'config'), configDir, { recursive: true });
      const actorsFile = path.join(configDir, 'services/actors.yaml');
      // Every port is 0 (chosen ports could be taken by another run before the deployer listens): the
      // addresses the guide's commands use come from the banner, as a reader would read them there.
      let deployerUrl = 'http://127.0.0.1:8080';
      let actorsUrl = 'http://127.0.0.1:5080';
      let ecrUrl = 'http://127.0.0.1:4602';
      const rewrite = (text: string) =>
        text.replaceAll('http://127.0.0.1:8080', deployerUrl).replaceAll('http://127.0.0.1:5080', actorsUrl);
      const original = await readFile(actorsFile, 'utf8');
      // No STATUS_TOKEN: as for a reader, the deployer generates the API token and shows it in the banner.
      const env = { CONFIG_PATH: configDir, ...ANY_FREE_LOCAL_PORTS };
      const digests = new Map<string, string>();
      const log: string[] = [];

      const run = async (command: string) => {
        const words = rewrite(command).split(/\s+/);
        if (command === 'npm ci') return; // done by the test setup
        if (command === 'npm start') {
          deployer = await spawnDeployer({ env, startTimeoutMs: 60_000 });
          deployerUrl = deployer.url;
          await until('the deployer is ready', async () => (await fetch(`${deployerUrl}/readyz`)).ok, 60_000);
          await bannerShown(deployer, configDir);
          actorsUrl = /^ {2}actors +(http:\/\/\S+)/m.exec(deployer.output())?.[1] ?? '';
          // The push hint names LOCAL_ECR_URL unless the local ECR listens on its default port.
          ecrUrl = /LOCAL_ECR_URL=(\S+) npm run local:push/.exec(deployer.output())?.[1] ?? ecrUrl;
          return;
        }
        const script = words[0] === 'npm' && words[1] === 'run' && words[3] === '--';
        const cli = words[0] === 'npx' && words[1] === 'ecs-gitops';
        if (script || cli) {
          if (script && words[2] !== 'local:push')
            throw new Error(`the guide runs \`${command}\`; teach quick-start.test.ts what it does`);
          const args = words.slice(cli ? 2 : 4);
          const commandEnv = { LOCAL_ECR_URL: ecrUrl, ECS_GITOPS_URL: deployerUrl };
          const result = cli
            ? await runCliInProcess(args, { env: commandEnv, cwd: ROOT })
            : await runCaptured((io) => runPush(args, { ...io, env: commandEnv }));
          log.push(`$ ${command} -> ${result.code}\n${result.stdout}${result.stderr}`);
          const allowed = cli && args[0] === 'diff' ? [0, 2] : [0];
          if (!allowed.includes(result.code))
            throw new Error(`\`${command}\` exited ${result.code}\n${result.stdout}${result.stderr}`);
          if (words[2] === 'local:push') digests.set(args[1] ?? '', result.stdout.trim());
          return;
        }
        if (words[0] === 'curl') {
          const url = words.find((w) => w.startsWith('http'));
          const response = await fetch(url ?? '');
          const body = await response.text();
          log.push(`$ ${command} -> ${response.status} ${body}`);
          expect(response.status, command).toBe(200);
          return;
        }
        if (command === 'git checkout -- config/services/actors.yaml') {
          await writeFile(actorsFile, original);
          return;
        }
        throw new Error(`the guide runs \`${command}\`; teach quick-start.test.ts what it does`);
      };

      const configRevision = async () =>
        ((await (await fetch(`${deployerUrl}/status`)).json()) as DeployerStatus).config.revision;

      /**
       * Replaces the sections the snippet names (`image:`, `rollout:`), as the guide says to, and waits
       * until the deployer has read the edit: a reader takes longer than the config watcher to get to
       * the next command, and a push that arrived first would roll out under the old `rollout:`.
       */
      const editSections = async (snippet: string) => {
        const before = await configRevision();
        const document = parseDocument(await readFile(actorsFile, 'utf8'));
        for (const [key, value] of Object.entries(parse(snippet) as Record<string, unknown>))
          document.set(key, value);
        await writeFile(actorsFile, document.toString());
        await until(
          'the deployer has read the edit',
          async () => (await configRevision()) !== before,
          30_000,
        );
      };

      // What the guide promises about the broken image: remembered as failed, shown as rolled back.
      const brokenImageShown = async () => {
        const failed = (await (await fetch(`${deployerUrl}/status/actors`)).json()) as ServiceStatus;
        expect(failed.failedDigests.map((f) => f.digest)).toContain(digests.get('1.2.0'));
        // ... and the dashboard the reader keeps open says the same.
        const dashboard = await (await fetch(`${deployerUrl}/`)).text();
        expect(dashboard).toContain('<section class="card" data-service="actors" data-state="Failed">');
        expect(dashboard).toContain(`<strong>${failed.sync.reason}</strong>`);
        expect(failed.recentRollouts[0]).toMatchObject({
          result: 'RolledBack',
          to: { digest: digests.get('1.2.0') },
        });
      };

      /** `actors phase canary 10 %`: the status and the dashboard card show the strategy's phase. */
      const phaseShown = async (name: string, phase: string) => {
        const deadline = Date.now() + CHECKPOINT_TIMEOUT_MS;
        let last: ServiceStatus | undefined;
        while (Date.now() < deadline) {
          last = (await (await fetch(`${deployerUrl}/status/${name}`)).json()) as ServiceStatus;
          if (last.currentRollout?.strategy?.phase === phase) {
            const card = await (await fetch(`${deployerUrl}/`)).text();
            if (card.includes(`class="strategy-progress" data-strategy="canary" data-phase="${phase}"`))
              return;
          }
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        throw new Error(`phase "${phase}" not shown; last status:\n${JSON.stringify(last, null, 2)}`);
      };

      const checkpoint = async (what: string) => {
        if (what === 'dashboard') {
          // The address the guide tells the reader to open.
          const address = /<(http:\/\/127\.0\.0\.1:8080\/[^>]*)>/.exec(markdown)?.[1];
          expect(address, 'the guide links the dashboard as <http://127.0.0.1:8080/>').toBeDefined();
          const page = await fetch(rewrite(address ?? ''));
          expect(page.status).toBe(200);
          expect(await page.text()).toContain('data-service="actors"');
          return;
        }
        const [name, state, tag] = what.split(' ');
        if (state === 'phase') return phaseShown(name ?? '', what.split(' ').slice(2).join(' '));
        let last: ServiceStatus | undefined;
        const deadline = Date.now() + CHECKPOINT_TIMEOUT_MS;
        while (Date.now() < deadline) {
          const status = (await (await fetch(`${deployerUrl}/status`)).json()) as DeployerStatus;
          last = status.services.find((s) => s.name === name);
          if (last && reached(last, state ?? '', tag ?? '', digests)) return;
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
        throw new Error(`checkpoint "${what}" not reached; last status:\n${JSON.stringify(last, null, 2)}`);
      };

      try {
        for (const step of steps) {
          if (step.kind === 'sh') await run(step.command);
          else if (step.kind === 'yaml') await editSections(step.text);
          else {
            await checkpoint(step.what);
            if (step.what === 'actors Failed 1.1.0') await brokenImageShown();
          }
        }
        // What the guide promises about the canary that serves errors: stopped by the strategy gate.
        const final = (await (await fetch(`${deployerUrl}/status/actors`)).json()) as ServiceStatus;
        if (process.env.QUICK_START_DEBUG) console.log(log.join('\n'), JSON.stringify(final, null, 2));
        expect(final.recentRollouts[0]).toMatchObject({
          result: 'RolledBack',
          reason: 'StrategyProbeFailed',
          to: { digest: digests.get('1.4.0') },
        });
        expect(final.failedDigests.map((f) => f.digest)).toContain(digests.get('1.4.0'));
        expect(final.recentRollouts.find((r) => r.to.digest === digests.get('1.3.0'))).toMatchObject({
          result: 'Succeeded',
        });
        // 8. Clean up: Ctrl-C stops the deployer, the stand-ins and every task process.
        const tasks = (deployer?.logs() ?? [])
          .filter((line) => line.msg === 'task process started' && typeof line.pid === 'number')
          .map((line) => Number(line.pid));
        expect(tasks.length).toBeGreaterThan(0);
        expect(await deployer?.stop('SIGINT')).toBe(0);
        await until('no task process is left', async () => tasks.every((pid) => !isAlive(pid)), 5_000);
      } catch (error) {
        throw new Error(
          `${String(error)}\n--- commands ---\n${log.join('\n')}\n--- deployer output (tail) ---\n${deployer?.output().slice(-4000) ?? ''}`,
        );
      }
    }, 240_000);
  });
});

/**
 * What the guide says the banner lists (the dashboard URL, the API token generated for this run, the
 * config directory it watches, the actors URL) and the push hint. The token guards the API and is
 * never in a log line; status is public (the reader's `npx ecs-gitops status` passes no token).
 */
async function bannerShown(deployer: DeployerProcess, configDir: string): Promise<void> {
  await until('the banner is printed', async () => deployer.output().includes('Ctrl-C stops'), 30_000);
  const output = deployer.output();
  expect(output).toContain('ecs-gitops deployer is up (local mode)');
  expect(output).toContain(`dashboard        ${deployer.url}/`);
  expect(output).toMatch(/API token\s+\S{20,}\s+\(generated for this run\)/);
  expect(output).toContain(`config           ${configDir} (edits are picked up)`);
  expect(output).toMatch(/actors\s+http:\/\/127\.0\.0\.1:\d+\s+user actors \/ password \S+/);
  expect(output).toMatch(/npm run local:push -- actors 1\.1\.0/);

  const token = /API token\s+(\S+)/.exec(output)?.[1] ?? '';
  const logLines = output.split('\n').filter((line) => line.startsWith('{'));
  expect(logLines.length).toBeGreaterThan(0);
  expect(logLines.filter((line) => line.includes(token))).toEqual([]);
  expect((await fetch(`${deployer.url}/status`)).status).toBe(200);
  const sync = `${deployer.url}/api/services/actors/sync`;
  expect((await fetch(sync, { method: 'POST' })).status).toBe(401);
  const authorised = await fetch(sync, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  expect(authorised.status).toBe(202);
}

/** `Synced <tag>`: live runs the desired image, which is <tag>. `Failed <tag>`: failed, live back on <tag>. */
function reached(service: ServiceStatus, state: string, tag: string, digests: Map<string, string>): boolean {
  const live = service.live?.digest ?? service.live?.image.split('@')[1];
  if (service.sync.state !== state || service.currentRollout !== null) return false;
  if (state === 'Synced') {
    if (service.desired?.tag !== tag || live !== service.desired.digest) return false;
    digests.set(tag, live);
    return true;
  }
  return live !== undefined && live === digests.get(tag);
}

async function until(what: string, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
