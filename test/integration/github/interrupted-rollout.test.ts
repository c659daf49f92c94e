// A reconcile error that cuts a rollout short must not leave its GitHub deployment `in_progress`
// forever: the real reconciler (over the fakes) feeds the real lifecycle feed and GitHub reporter,
// which talk to the GitHub stand-in over HTTP. The deployment ends in `error` with the reason, and
// the resumed rollout carries the same deployment on to `success`.
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OctokitGitHub } from '../../../deployer/adapters/github/octokit-github.ts';
import { GitHubReporter } from '../../../deployer/github/github-reporter.ts';
import { feedLifecycle } from '../../../deployer/lifecycle/lifecycle-feed.ts';
import { type GitHubStandIn, startGitHubStandIn } from '../../../local/github/server.ts';
import { serviceYaml } from '../../support/fakes/index.ts';
import { fakeWorld, transient } from '../../unit/runtime/harness.ts';

const SHA = 'c'.repeat(40);
const silent = pino({ level: 'silent' });

describe('an interrupted rollout in GitHub', () => {
  let github: GitHubStandIn;
  beforeAll(async () => {
    github = await startGitHubStandIn({ logger: silent, token: 'test-token' });
  });
  afterAll(async () => {
    await github?.close();
  });

  it('a reconcile error mid-rollout ends the deployment in error with the reason; the resumed rollout ends it in success', async () => {
    const world = fakeWorld();
    world.setConfig([serviceYaml({})], SHA);
    world.store.configApplied(SHA);
    const reporter = new GitHubReporter({
      github: new OctokitGitHub({
        settings: {
          auth: { kind: 'token', token: 'test-token' },
          apiUrl: github.url,
          owner: 'o',
          repo: 'r',
          writeSpacingMs: 10,
        },
        logger: silent,
        retryBaseMs: 10,
      }),
      servedUrl: () => 'http://actors.test/',
      statusContext: 'ecs-gitops/config',
      logger: silent,
      metrics: new Registry(),
    });
    const store = world.store;
    feedLifecycle(
      { status: () => store.snapshot(), subscribe: (l) => store.subscribe(l) },
      [reporter.report],
      (error) => {
        throw error;
      },
    );
    world.registry.push('actors', '1.1.0');
    // The first wait poll fails: ECS cannot be asked whether the rollout finished.
    world.ecs.failNext = { method: 'describeService', error: transient(), skip: 2 };
    await expect(world.reconcile()).rejects.toThrow('simulated crash');
    await reporter.idle();

    const [deployment] = github.deployments().filter((d) => d.sha === SHA);
    expect(deployment?.statuses.map((s) => s.state)).toEqual(['in_progress', 'error']);
    expect(deployment?.statuses[1]?.description).toBe('AwsUnavailable: simulated crash (retrying)');

    await world.reconcile();
    await reporter.idle();
    const after = github.deployments().filter((d) => d.sha === SHA);
    expect(after).toHaveLength(1);
    expect(after[0]?.statuses.map((s) => s.state)).toEqual([
      'in_progress',
      'error',
      'in_progress',
      'success',
    ]);
  });
});
