// Issue 16 end to end: config commits pushed through a signed webhook roll out, and GitHub (the
// stand-in, validating every body against GitHub's OpenAPI description) shows a deployment per
// rollout going in_progress → success, or → failure for a broken image with a Slack-shaped message
// on a real receiver; a rejected config commit gets a failed commit status; and GitHub answering
// 403 rate-limited delays only the statuses while the rollout succeeds.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceHistory } from '../../../deployer/contract/history-model.ts';
import { type GitHubStandIn, startGitHubStandIn } from '../../../local/github/server.ts';
import {
  type NotificationReceiver,
  startNotificationReceiver,
} from '../../../local/notifications/receiver.ts';
import { type DeployerProcess, syncedOn } from '../../support/deployer-process.ts';
import { ACTORS_FILE, type E2eEnvironment, startE2eEnvironment } from '../../support/e2e-environment.ts';
import { pushPayload } from '../../support/github-webhook.ts';

const REPOSITORY = 'example/ecs-gitops-config';
const GITHUB_TOKEN = 'e2e-github-token-0123456789';

describe('deployer e2e: rollouts visible in GitHub and notified', { timeout: 120_000 }, () => {
  let e2e: E2eEnvironment;
  let deployer: DeployerProcess;
  let github: GitHubStandIn;
  let slack: NotificationReceiver;
  let deliveries = 0;

  const commitAndNotify = async (yaml: string, message: string) => {
    const before = await e2e.repo.git('rev-parse', 'HEAD');
    const after = await e2e.repo.commit({ [ACTORS_FILE]: yaml }, message);
    deliveries += 1;
    const payload = pushPayload({ before, after, repository: REPOSITORY, files: [ACTORS_FILE] });
    const head = {
      ...(payload.head_commit as object),
      author: { name: 'Ada Lovelace', email: 'ada@example.invalid' },
      message,
    };
    const answer = await deployer.signedPush(
      'push',
      { ...payload, head_commit: head, commits: [head] },
      `github-loop-${deliveries}`,
    );
    expect(answer.status).toBe(202);
    return after;
  };
  const deploymentOf = (sha: string) => github.deployments().find((d) => d.sha === sha);
  const statesOf = (sha: string) => deploymentOf(sha)?.statuses.map((s) => s.state) ?? [];
  const slackTexts = () => slack.received().map((r) => (r.json as { text?: string }).text ?? '');
  const liveOn = (digest: string, what: string) => deployer.waitFor(what, syncedOn('actors', digest), 60_000);

  beforeAll(async () => {
    e2e = await startE2eEnvironment({ actors: { pin: '1.0.0' }, workload: 'echo' });
    github = await startGitHubStandIn({ logger: pino({ level: 'silent' }), token: GITHUB_TOKEN });
    slack = await startNotificationReceiver();
    deployer = await e2e.startDeployer({
      GITHUB_TOKEN,
      GITHUB_REPOSITORY: REPOSITORY,
      GITHUB_API_URL: github.url,
      NOTIFICATIONS: JSON.stringify({
        notifications: [
          { name: 'team-slack', type: 'slack', url: `${slack.url}/services/T0/B0/x`, services: ['actors'] },
        ],
      }),
    });
    const v100 = e2e.world.registry.resolveImageReference('actors:1.0.0').digest ?? '';
    await liveOn(v100, 'actors on 1.0.0 at start');
  });
  afterAll(async () => {
    await e2e?.cleanup();
    await github?.close();
    await slack?.close();
  });

  it('a pushed commit pinning 1.1.0 shows a GitHub deployment going in_progress → success with the served URL', async () => {
    const pushed = await e2e.world.push('actors', '1.1.0');
    const sha = await commitAndNotify(e2e.actorsYaml({ pin: '1.1.0' }), 'pin actors to 1.1.0');
    const actors = await liveOn(pushed.digest, 'actors on 1.1.0');
    expect(actors.recentRollouts[0]).toMatchObject({ result: 'Succeeded', configRevision: sha });
    await expect
      .poll(() => statesOf(sha), { timeout: 30_000, interval: 100 })
      .toEqual(['in_progress', 'success']);
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
      .poll(slackTexts, { timeout: 30_000, interval: 100 })
      .toEqual(expect.arrayContaining([expect.stringContaining('actors: rollout succeeded')]));
  });

  it('a broken image gives a failed GitHub deployment and a Slack-shaped message', async () => {
    const broken = await e2e.world.push('actors', '1.2.0', { broken: true });
    const sha = await commitAndNotify(e2e.actorsYaml({ pin: '1.2.0' }), 'pin actors to broken 1.2.0');
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
    await expect
      .poll(() => slack.received().find((r) => /rolled back|rollout failed/.test(JSON.stringify(r.json))), {
        timeout: 30_000,
        interval: 100,
      })
      .toBeDefined();
    const message = slack.received().find((r) => /rolled back|rollout failed/.test(JSON.stringify(r.json)));
    expect(message?.path).toBe('/services/T0/B0/x');
    expect(message?.json).toMatchObject({
      text: expect.stringMatching(/^actors: (rolled back|rollout failed) \(/),
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: expect.stringContaining('1.2.0') } }],
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

  it('GitHub answering 403 rate-limited delays only the statuses: the rollout succeeds, statuses follow after the reset', async () => {
    // The broken image was rolled back to 1.1.0: 1.0.0 is a real rollout.
    const v100 = e2e.world.registry.resolveImageReference('actors:1.0.0').digest ?? '';
    const limitedFrom = Date.now();
    github.setFault({ kind: 'rate-limit', seconds: 10 });
    const sha = await commitAndNotify(e2e.actorsYaml({ pin: '1.0.0' }), 'fix the typo, pin 1.0.0');
    const actors = await liveOn(v100, 'actors on 1.0.0 while GitHub is rate-limited');
    expect(actors.recentRollouts[0]).toMatchObject({ result: 'Succeeded', configRevision: sha });
    await expect
      .poll(() => statesOf(sha), { timeout: 60_000, interval: 200 })
      .toEqual(['in_progress', 'success']);
    const calls = github.calls().filter((c) => Date.parse(c.at) >= limitedFrom);
    expect(calls.some((c) => c.status === 403)).toBe(true);
    const accepted = calls.filter((c) => c.status === 201);
    // Nothing reached GitHub before the reset: the reporter waited as GitHub asks, and lost nothing.
    expect(Math.min(...accepted.map((c) => Date.parse(c.at)))).toBeGreaterThanOrEqual(limitedFrom + 9_000);
    const rolloutDone = Date.parse(actors.recentRollouts[0]?.finishedAt ?? '');
    process.stdout.write(
      `github-loop: rollout finished ${rolloutDone - limitedFrom} ms after the rate limit began; GitHub statuses accepted ${Math.min(...accepted.map((c) => Date.parse(c.at))) - limitedFrom} ms after\n`,
    );
    expect(await deployer.metrics()).toMatch(/^ecs_gitops_github_reports_total\{outcome="failed"\} 0$/m);
  });
});
