// The pin pull request after a rollback, over the real Octokit adapter against the GitHub stand-in
// serving a real git repository: one pull request per service while it is open, the file edited
// without losing comments, nothing when git already pins the image, and a fresh branch after a merge.
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OctokitGitHub } from '../../../deployer/adapters/github/octokit-github.ts';
import type { RolloutRecord, ServiceStatus } from '../../../deployer/contract/status-model.ts';
import { GitHubActivity } from '../../../deployer/github/github-activity.ts';
import { githubLinks } from '../../../deployer/github/github-links.ts';
import { PinRequester } from '../../../deployer/github/pin-requester.ts';
import { type GitHubStandIn, startGitHubStandIn } from '../../../local/github/server.ts';
import { ConfigRepo } from '../../support/config-repo.ts';
import { fakeServiceStatus } from '../../support/fake-runtime.ts';

const FILE = 'config/services/actors.yaml';
const YAML = [
  '# The actors service.',
  'name: actors',
  'image:',
  '  repository: actors # ECR',
  '  track:',
  '    semver: "^1.0.0" # any 1.x',
  'cdn: { distributionId: E1, paths: ["/*"] }',
  '',
].join('\n');
const GOOD = `sha256:${'1'.repeat(64)}`;
const BROKEN = `sha256:${'2'.repeat(64)}`;
const OLDER = `sha256:${'3'.repeat(64)}`;
const silent = pino({ level: 'silent' });

describe('PinRequester over Octokit against the GitHub stand-in and a git repository', {
  timeout: 60_000,
}, () => {
  let repo: ConfigRepo;
  let github: GitHubStandIn;
  let metrics: Registry;
  let pins: PinRequester;
  let live = GOOD;
  const activity = new GitHubActivity();

  const rollback = (to: string, id = 'r-broken'): RolloutRecord => ({
    id,
    from: { image: `actors@${to}`, digest: to, tag: to === GOOD ? '1.1.0' : '1.0.0' },
    to: { image: `actors@${BROKEN}`, digest: BROKEN, tag: '1.2.0' },
    result: 'RolledBack',
    startedAt: '2026-12-01T10:00:00.000Z',
    finishedAt: '2026-12-01T10:01:00.000Z',
    durationMs: 60_000,
    reason: 'DeploymentFailed',
    configRevision: 'f'.repeat(40),
  });
  const rolledBack = (record: RolloutRecord) =>
    pins.report({
      kind: 'rolled-back',
      service: 'actors',
      rollout: record,
      message: 'tasks failed to start; rolled back to actors:3',
      at: record.finishedAt,
    });
  const outcome = async (name: string) =>
    (await metrics.getSingleMetric('ecs_gitops_pin_pull_requests_total')?.get())?.values.find(
      (v) => v.labels.outcome === name,
    )?.value;

  beforeAll(async () => {
    repo = await ConfigRepo.create();
    await repo.commit({ [FILE]: YAML }, 'initial config');
    github = await startGitHubStandIn({ logger: silent, token: 't', repository: repo.dir });
    metrics = new Registry();
    const settings = {
      auth: { kind: 'token' as const, token: 't' },
      apiUrl: github.url,
      owner: 'o',
      repo: 'r',
      writeSpacingMs: 10,
    };
    pins = new PinRequester({
      // The stand-in answers from a real git repository: at a CI load of 10-15 a call took over the
      // adapter's default 10 s, which counted a `failed` pin before the retry succeeded.
      github: new OctokitGitHub({
        settings,
        logger: silent,
        retryBaseMs: 10,
        requestTimeoutMs: 50_000,
      }),
      settings: { baseBranch: 'main', configDir: 'config' },
      service: (name): ServiceStatus =>
        fakeServiceStatus(name, {
          live: { image: `actors@${live}`, digest: live, taskDefinitionArn: 'td:3' },
        }),
      links: githubLinks(github.url, 'o', 'r'),
      activity,
      logger: silent,
      metrics,
    });
  });
  afterAll(async () => {
    await github?.close();
    await repo?.remove();
  });

  it('a rollback opens one pull request pinning the running version (digest and tag), comments kept, track held', async () => {
    rolledBack(rollback(GOOD));
    await pins.idle();
    const [pull] = await github.pulls();
    expect(pull).toMatchObject({
      number: 1,
      state: 'open',
      head: 'ecs-gitops/pin-actors',
      base: 'main',
      title: 'Pin actors to 1.1.0 (rolled back: DeploymentFailed)',
    });
    expect(pull?.body).toContain(
      'The rollout of `1.2.0` to **actors** failed and was rolled back to `1.1.0`',
    );
    expect(pull?.body).toContain('tasks failed to start');
    expect(pull?.body).toContain(`${github.url}/o/r/commit/${'f'.repeat(40)}`);
    expect(pull?.body).toContain(GOOD);
    const pinned = await repo.git('show', `ecs-gitops/pin-actors:${FILE}`);
    expect(`${pinned}\n`).toBe(
      YAML.replace(
        '  repository: actors # ECR\n',
        `  repository: actors # ECR\n  pin: "actors:1.1.0@${GOOD}" # pinned by ecs-gitops after a rollback (DeploymentFailed); remove to resume tracking\n`,
      ),
    );
    expect(await repo.git('show', `main:${FILE}`)).toBe(YAML.trimEnd());
    expect(activity.of('actors')?.pinPullRequest).toMatchObject({ number: 1, digest: GOOD, tag: '1.1.0' });
    expect(await outcome('opened')).toBe(1);
  });

  it('while that pull request is open, another rollback does not open a second one', async () => {
    rolledBack(rollback(GOOD, 'r-broken-again'));
    await pins.idle();
    expect(await github.pulls()).toHaveLength(1);
    expect(await outcome('already-open')).toBe(1);
  });

  it('once merged, a rollback to the pinned image opens nothing: git already agrees', async () => {
    await repo.git('merge', '--ff-only', '-q', 'ecs-gitops/pin-actors');
    rolledBack(rollback(GOOD, 'r-third'));
    await pins.idle();
    expect(await github.pulls()).toMatchObject([{ state: 'closed', merged: true }]);
    expect(await outcome('already-pinned')).toBe(1);
  });

  it('a rollback to another version starts the branch over from main and opens a new pull request', async () => {
    live = OLDER;
    rolledBack(rollback(OLDER, 'r-fourth'));
    await pins.idle();
    const pulls = await github.pulls();
    expect(pulls).toHaveLength(2);
    expect(pulls[1]).toMatchObject({
      number: 2,
      state: 'open',
      title: 'Pin actors to 1.0.0 (rolled back: DeploymentFailed)',
    });
    expect(await repo.git('rev-list', '--count', 'main..ecs-gitops/pin-actors')).toBe('1');
    expect(await repo.git('show', `ecs-gitops/pin-actors:${FILE}`)).toContain(
      `  pin: "actors:1.0.0@${OLDER}" #`,
    );
    expect(await outcome('failed')).toBe(0);
  });
});
