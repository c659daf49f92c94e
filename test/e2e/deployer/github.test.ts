// Issue 16 end to end, on one world, one git repository and one deployer (they were two files with a
// deployer each: a start costs ~2.5 s of CPU, issue 14). GitHub is the stand-in, serving the config
// repository and validating every body against GitHub's OpenAPI description; Slack is a real receiver.
// The scenarios run in this order:
// - the opt-in pin pull request: a broken image pushed to ECR for a service tracking ^1.0.0 is rolled
//   back, and while GitHub answers 403 rate-limited the rollback and the Slack-shaped message happen on
//   time; after the reset GitHub shows the deployment `failure` and a pull request pinning the last good
//   version. The stand-in holds the limit until the test has seen the rollback and Slack's message (each
//   403 naming a reset RATE_LIMIT_SECONDS ahead), so the test waits for what it checks, not a fixed
//   minute; octokit still waits out every reset it is given (never retrying before it: checked on every
//   call). Merging it (a push) makes git and ECS agree;
//   a newer image that fits the policy is then held by the pin, and the status says so; deleting the pin
//   resumes tracking;
// - config commits pushed through a signed webhook roll out, and GitHub shows a deployment per rollout
//   going in_progress → success (the first while GitHub answers 403 rate-limited: it delays only the
//   statuses, the limit held the same way until the rollout is done), or → failure for a broken image
//   with a Slack-shaped message; a rejected config commit gets a failed commit status.
// Slack messages and counters are read relative to what the earlier scenarios left.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceHistory } from '../../../deployer/contract/history-model.ts';
import { type GitHubCall, type GitHubStandIn, startGitHubStandIn } from '../../../local/github/server.ts';
import {
  type NotificationReceiver,
  startNotificationReceiver,
} from '../../../local/notifications/receiver.ts';
import { type DeployerProcess, syncedOn } from '../../support/deployer-process.ts';
import { ACTORS_FILE, type E2eEnvironment, startE2eEnvironment } from '../../support/e2e-environment.ts';
import { pushPayload } from '../../support/github-webhook.ts';

const REPOSITORY = 'example/ecs-gitops-config';
const GITHUB_TOKEN = 'e2e-github-token-0123456789';
/**
 * The reset each 403 of a held limit names. The deployer waits out three resets before it gives a call
 * up (adapters/github/octokit-github.ts; octokit waits a second past each), so what must happen under
 * the limit has about 3 × 6 s after the first refused call (it took 1.4-3.8 s, at loads up to 11); once
 * it has, the test lifts the limit and waits at most one reset more. The claim is that the deployer
 * waits out what GitHub names, whatever the length: 15 s here cost ~20 s of the file's wall per scenario.
 */
const RATE_LIMIT_SECONDS = 5;

/** Calls that came back to the same endpoint before the reset a 403 of theirs named (octokit must wait). */
const retriesTooEarly = (calls: GitHubCall[]) =>
  calls.flatMap((refused, index) =>
    refused.rateLimitReset === undefined
      ? []
      : calls
          .slice(index + 1)
          .filter((later) => later.method === refused.method && later.path === refused.path)
          // The clock of a timer may run a few ms behind Date.now(): a retry is never seconds early.
          .filter((later) => Date.parse(later.at) < Date.parse(refused.rateLimitReset ?? '') - 100)
          .map((later) => ({ refused, later })),
  );

describe('deployer e2e: rollouts visible in GitHub, notified, and a rollback pinned in git', {
  timeout: 240_000,
}, () => {
  let e2e: E2eEnvironment;
  let deployer: DeployerProcess;
  let github: GitHubStandIn;
  let slack: NotificationReceiver;
  let v110 = '';
  let deliveries = 0;

  const notifyPush = async (before: string, after: string, commit?: { author: string; message: string }) => {
    deliveries += 1;
    const payload = pushPayload({ before, after, repository: REPOSITORY, files: [ACTORS_FILE] });
    const head = commit && {
      ...(payload.head_commit as object),
      author: { name: commit.author, email: 'ada@example.invalid' },
      message: commit.message,
    };
    const answer = await deployer.signedPush(
      'push',
      head ? { ...payload, head_commit: head, commits: [head] } : payload,
      `github-${deliveries}`,
    );
    expect(answer.status).toBe(202);
  };
  const commitAndNotify = async (yaml: string, message: string) => {
    const before = await e2e.repo.git('rev-parse', 'HEAD');
    const after = await e2e.repo.commit({ [ACTORS_FILE]: yaml }, message);
    await notifyPush(before, after, { author: 'Ada Lovelace', message });
    return after;
  };
  const actors = (predicate: (s: Awaited<ReturnType<DeployerProcess['service']>>) => boolean, what: string) =>
    deployer.waitFor(
      what,
      (status) => status.services.find((s) => s.name === 'actors' && predicate(s)),
      90_000,
    );
  const deploymentOf = (sha: string) => github.deployments().find((d) => d.sha === sha);
  const statesOf = (sha: string) => deploymentOf(sha)?.statuses.map((s) => s.state) ?? [];
  const liveOn = (digest: string, what: string) => deployer.waitFor(what, syncedOn('actors', digest), 60_000);

  beforeAll(async () => {
    e2e = await startE2eEnvironment({ workload: 'echo' });
    github = await startGitHubStandIn({
      logger: pino({ level: 'silent' }),
      token: GITHUB_TOKEN,
      repository: e2e.repo.dir,
    });
    slack = await startNotificationReceiver();
    v110 = (await e2e.world.push('actors', '1.1.0')).digest;
    deployer = await e2e.startDeployer({
      GITHUB_TOKEN,
      GITHUB_REPOSITORY: REPOSITORY,
      GITHUB_API_URL: github.url,
      GITHUB_PIN_PULL_REQUESTS: 'true',
      // Writes to the stand-in 10 ms apart, not GitHub's second (pinned in github-settings.test.ts):
      // nothing here is about the spacing, and a rollback's six writes waited ~5 s for it.
      GITHUB_WRITE_SPACING_MS: '10',
      NOTIFICATIONS: JSON.stringify({
        notifications: [
          { name: 'team-slack', type: 'slack', url: `${slack.url}/services/T0/B0/x`, services: ['actors'] },
        ],
      }),
    });
    await actors(
      (s) => s.sync.state === 'Synced' && s.live?.digest === v110 && s.currentRollout === null,
      'actors on 1.1.0 (tracking ^1.0.0)',
    );
  });
  afterAll(async () => {
    // The stand-in first: a pin pull request still being written runs git in e2e's repository,
    // which cleanup removes (an rm racing that write failed with ENOTEMPTY).
    await github?.close();
    await e2e?.cleanup();
    await slack?.close();
  });

  describe('a rollback pinned in git through a pull request', () => {
    it('a broken image under GitHub rate limiting: rolled back and Slack told on time; GitHub failure and a pin pull request after the reset', async () => {
      const limitedFrom = Date.now();
      github.setFault({ kind: 'rate-limit', seconds: RATE_LIMIT_SECONDS, held: true });
      const broken = await e2e.world.push('actors', '1.2.0', { broken: true });
      const rolledBack = await actors(
        (s) => s.failedDigests.some((f) => f.digest === broken.digest) && s.currentRollout === null,
        'the broken 1.2.0 rolled back',
      );
      expect(rolledBack.live?.digest).toBe(v110);
      expect(rolledBack.recentRollouts[0]).toMatchObject({
        result: 'RolledBack',
        to: { digest: broken.digest },
      });
      const rollbackDone = Date.parse(rolledBack.recentRollouts[0]?.finishedAt ?? '');
      await expect
        .poll(() => slack.received().find((r) => /rolled back/.test(JSON.stringify(r.json))), {
          timeout: 30_000,
          interval: 100,
        })
        .toBeDefined();
      const slackAt = Date.now();
      // Rolled back and told while GitHub refused every call: only GitHub waits. Then the limit ends.
      const underLimit = github.calls().filter((c) => Date.parse(c.at) >= limitedFrom);
      expect(underLimit.length).toBeGreaterThan(0);
      expect(underLimit.filter((c) => c.status !== 403)).toEqual([]);
      const liftedAt = Date.now();
      github.setFault(undefined);

      const deployment = () =>
        github.deployments().find((d) => (d.payload as { digest?: string }).digest === broken.digest);
      await expect
        .poll(() => deployment()?.statuses.map((s) => s.state), { timeout: 120_000, interval: 250 })
        .toEqual(['in_progress', 'failure']);
      await expect.poll(() => github.pulls(), { timeout: 60_000, interval: 250 }).toHaveLength(1);
      const [pull] = await github.pulls();
      expect(pull).toMatchObject({
        state: 'open',
        head: 'ecs-gitops/pin-actors',
        base: 'main',
        title: expect.stringMatching(
          /^Pin actors to 1\.1\.0 \(rolled back: (DeploymentFailed|VerifyTimeout|VerifyWrongVersion)\)$/,
        ),
      });
      expect(pull?.body).toContain(v110);
      expect(await e2e.repo.git('show', `ecs-gitops/pin-actors:${ACTORS_FILE}`)).toContain(
        `  pin: "actors:1.1.0@${v110}" # pinned by ecs-gitops after a rollback`,
      );

      // Only GitHub waited: nothing reached it before the limit ended, no call came back before the
      // reset its 403 named (octokit waits as GitHub asks), nothing was lost, the rest was on time.
      const calls = github.calls().filter((c) => Date.parse(c.at) >= limitedFrom);
      const accepted = calls.filter((c) => c.status < 300);
      expect(Math.min(...accepted.map((c) => Date.parse(c.at)))).toBeGreaterThanOrEqual(liftedAt);
      expect(retriesTooEarly(calls)).toEqual([]);
      expect(rollbackDone).toBeLessThan(liftedAt);
      expect(slackAt).toBeLessThanOrEqual(liftedAt);
      const metrics = await deployer.metrics();
      expect(metrics).toMatch(/^ecs_gitops_github_reports_total\{outcome="failed"\} 0$/m);
      expect(metrics).toMatch(/^ecs_gitops_pin_pull_requests_total\{outcome="opened"\} 1$/m);
      process.stdout.write(
        `github-pin: rolled back ${rollbackDone - limitedFrom} ms and Slack told ${slackAt - limitedFrom} ms after the rate limit began (${underLimit.length} calls refused meanwhile); GitHub accepted the first call ${Math.min(...accepted.map((c) => Date.parse(c.at))) - limitedFrom} ms after\n`,
      );
      const status = await deployer.service('actors');
      expect(status.github).toMatchObject({
        deployment: { state: 'failure', url: `${github.url}/example/ecs-gitops-config/deployments/actors` },
        pinPullRequest: { number: pull?.number, digest: v110, tag: '1.1.0' },
      });
    });

    it('merging the pull request makes git and ECS agree; a newer image that fits ^1.0.0 is held by the pin, and the status says so', async () => {
      const before = await e2e.repo.git('rev-parse', 'HEAD');
      await e2e.repo.git('merge', '--ff-only', '-q', 'ecs-gitops/pin-actors');
      const merged = await e2e.repo.git('rev-parse', 'HEAD');
      await notifyPush(before, merged);
      await actors(
        (s) => s.sync.state === 'Synced' && 'pin' in (s.desired?.policy ?? {}) && s.live?.digest === v110,
        'the merged pin in force, actors still on 1.1.0',
      );
      expect((await deployer.status()).config.revision).toBe(merged);
      expect(await github.pulls()).toMatchObject([{ state: 'closed', merged: true }]);

      const v130 = (await e2e.world.push('actors', '1.3.0')).digest;
      const held = await actors((s) => s.desired?.heldByPin?.digest === v130, 'the pin holding 1.3.0 back');
      expect(held).toMatchObject({
        live: { digest: v110 },
        desired: { digest: v110, heldByPin: { tag: '1.3.0', track: { semver: '^1.0.0' } } },
        sync: { state: 'Synced', message: expect.stringContaining('held by the pin: 1.3.0') },
      });
      expect(e2e.world.taskDefinitions().some((td) => JSON.stringify(td).includes(v130))).toBe(false);
    });

    it('deleting the pin line resumes tracking: 1.3.0 rolls out', async () => {
      const v130 = e2e.world.registry.resolveImageReference('actors:1.3.0').digest ?? '';
      const before = await e2e.repo.git('rev-parse', 'HEAD');
      const pinned = await e2e.repo.git('show', `HEAD:${ACTORS_FILE}`);
      const unpinned = `${pinned
        .split('\n')
        .filter((line) => !line.trimStart().startsWith('pin:'))
        .join('\n')}\n`;
      const after = await e2e.repo.commit({ [ACTORS_FILE]: unpinned }, 'resume tracking actors');
      await notifyPush(before, after);
      const resumed = await actors(
        (s) => s.sync.state === 'Synced' && s.live?.digest === v130 && s.currentRollout === null,
        'actors on 1.3.0 after the pin is gone',
      );
      expect(resumed.desired).not.toHaveProperty('heldByPin');
      expect(resumed.desired?.policy).toEqual({ semver: '^1.0.0', prerelease: false });
    });
  });

  describe('config commits seen in GitHub and notified', () => {
    it('a pushed commit pinning 1.1.0 rolls out while GitHub answers 403 rate-limited; after the reset its GitHub deployment goes in_progress → success with the served URL', async () => {
      // Resumed tracking left 1.3.0 live: pinning 1.1.0 is a real rollout. GitHub refuses every call
      // until it is done (the limit held as in the pin scenario): only the statuses wait.
      // The reporter delivers in order: 1.3.0's statuses go first, or one of them held up by the limit
      // would hold up this rollout's first call, which the test waits for before lifting it.
      const v130 = e2e.world.registry.resolveImageReference('actors:1.3.0').digest ?? '';
      await expect
        .poll(
          () =>
            github
              .deployments()
              .find((d) => (d.payload as { digest?: string }).digest === v130)
              ?.statuses.map((s) => s.state),
          { timeout: 30_000, interval: 100 },
        )
        .toEqual(['in_progress', 'success']);
      const slackMark = slack.received().length;
      const limitedFrom = Date.now();
      github.setFault({ kind: 'rate-limit', seconds: RATE_LIMIT_SECONDS, held: true });
      const sha = await commitAndNotify(e2e.actorsYaml({ pin: '1.1.0' }), 'pin actors to 1.1.0');
      const live = await liveOn(v110, 'actors back on 1.1.0 while GitHub is rate-limited');
      expect(live.recentRollouts[0]).toMatchObject({ result: 'Succeeded', configRevision: sha });
      const rolloutDone = Date.parse(live.recentRollouts[0]?.finishedAt ?? '');
      // This rollout's calls: its deployment (ref = the commit) and that deployment's statuses. (The
      // pin requester may still be answering an earlier rollback as the limit begins.)
      const ours = (calls: GitHubCall[]) =>
        calls.filter(
          (c) =>
            (c.path.endsWith('/deployments') && (c.body as { ref?: string } | undefined)?.ref === sha) ||
            c.path.endsWith(`/deployments/${deploymentOf(sha)?.id ?? 'none'}/statuses`),
        );
      // The deployer did try GitHub meanwhile (the rollout's start) and was refused; then the limit ends.
      await expect
        .poll(() => ours(github.calls()).some((c) => c.status === 403), { timeout: 30_000, interval: 100 })
        .toBe(true);
      const liftedAt = Date.now();
      github.setFault(undefined);
      await expect
        .poll(() => statesOf(sha), { timeout: 60_000, interval: 200 })
        .toEqual(['in_progress', 'success']);
      const calls = github.calls().filter((c) => Date.parse(c.at) >= limitedFrom);
      const accepted = ours(calls).filter((c) => c.status === 201);
      expect(accepted).toHaveLength(3);
      // Nothing of it reached GitHub before the limit ended and no retry came before the reset its 403
      // named: the reporter waited as GitHub asks, and lost nothing; the rollout did not wait for GitHub.
      expect(Math.min(...accepted.map((c) => Date.parse(c.at)))).toBeGreaterThanOrEqual(liftedAt);
      expect(retriesTooEarly(calls)).toEqual([]);
      expect(rolloutDone).toBeLessThan(liftedAt);
      process.stdout.write(
        `github-loop: rollout finished ${rolloutDone - limitedFrom} ms after the rate limit began; GitHub statuses accepted ${Math.min(...accepted.map((c) => Date.parse(c.at))) - limitedFrom} ms after\n`,
      );
      expect(await deployer.metrics()).toMatch(/^ecs_gitops_github_reports_total\{outcome="failed"\} 0$/m);
      expect(deploymentOf(sha)).toMatchObject({
        environment: 'actors',
        owner: 'example',
        repo: 'ecs-gitops-config',
      });
      expect(deploymentOf(sha)?.statuses[1]?.environmentUrl).toBe(`${e2e.world.serviceUrl('actors')}/`);
      // The same push in the deployer's history, with the commit's author (read from the revision's tags).
      const history = await deployer.getJson<ServiceHistory>('/api/services/actors/history');
      expect(history.revisions.find((r) => r.live)).toMatchObject({
        configRevision: sha,
        trigger: { kind: 'git-push', commit: sha, author: 'Ada Lovelace', message: 'pin actors to 1.1.0' },
      });
      await expect
        .poll(
          () =>
            slack
              .received()
              .slice(slackMark)
              .map((r) => (r.json as { text?: string }).text ?? ''),
          {
            timeout: 30_000,
            interval: 100,
          },
        )
        .toEqual(expect.arrayContaining([expect.stringContaining('actors: rollout succeeded')]));
    });

    it('a broken image gives a failed GitHub deployment and a Slack-shaped message', async () => {
      const slackMark = slack.received().length;
      const failedNow = () =>
        slack
          .received()
          .slice(slackMark)
          .find((r) => /rolled back|rollout failed/.test(JSON.stringify(r.json)));
      // 1.2.0 failed before (above): a broken image of its own, not rolled out while 1.1.0 is pinned.
      const broken = await e2e.world.push('actors', '1.4.0', { broken: true });
      const sha = await commitAndNotify(e2e.actorsYaml({ pin: '1.4.0' }), 'pin actors to broken 1.4.0');
      await deployer.waitFor(
        'actors failed on the broken image',
        (status) =>
          status.services.find(
            (s) => s.failedDigests.some((f) => f.digest === broken.digest) && s.currentRollout === null,
          ),
        60_000,
      );
      await expect
        .poll(() => statesOf(sha), { timeout: 30_000, interval: 100 })
        .toEqual(['in_progress', 'failure']);
      expect(deploymentOf(sha)?.statuses[1]?.description).toMatch(
        /^(DeploymentFailed|VerifyTimeout|VerifyWrongVersion): /,
      );
      await expect.poll(failedNow, { timeout: 30_000, interval: 100 }).toBeDefined();
      const message = failedNow();
      expect(message?.path).toBe('/services/T0/B0/x');
      expect(message?.json).toMatchObject({
        text: expect.stringMatching(/^actors: (rolled back|rollout failed) \(/),
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: expect.stringContaining('1.4.0') } }],
      });
    });

    it('a config commit rejected by validation gets a failed commit status with the first file:line error', async () => {
      const sha = await commitAndNotify(
        `${e2e.actorsYaml({ pin: '1.1.0' })}surprise: true\n`,
        'a typo in the config',
      );
      await deployer.waitFor(
        'the config commit rejected',
        (status) => status.config.lastAttemptedRevision === sha && status.config.errors.length > 0,
      );
      await expect
        .poll(() => github.commitStatuses().find((s) => s.sha === sha), { timeout: 30_000, interval: 100 })
        .toMatchObject({
          state: 'failure',
          context: 'ecs-gitops/config',
          description: expect.stringMatching(/^config\/services\/actors\.yaml:\d+ /),
        });
    });
  });
});
