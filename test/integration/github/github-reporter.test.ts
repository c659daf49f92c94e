// The GitHub reporter over the real Octokit adapter against the GitHub stand-in: what a developer sees
// in GitHub for each lifecycle event, and that GitHub trouble only delays or drops reports.
import { generateKeyPairSync } from 'node:crypto';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OctokitGitHub } from '../../../deployer/adapters/github/octokit-github.ts';
import type { RolloutRecord } from '../../../deployer/contract/status-model.ts';
import { GitHubReporter } from '../../../deployer/github/github-reporter.ts';
import type { GitHubSettings } from '../../../deployer/github/github-settings.ts';
import type { LifecycleEvent } from '../../../deployer/lifecycle/lifecycle-event.ts';
import { type GitHubStandIn, startGitHubStandIn } from '../../../local/github/server.ts';

const SHA = 'a'.repeat(40);
const DIGEST = `sha256:${'b'.repeat(64)}`;
const silent = pino({ level: 'silent' });

const started = (rolloutId: string): LifecycleEvent => ({
  kind: 'started',
  service: 'actors',
  rolloutId,
  from: null,
  to: { image: `actors@${DIGEST}`, digest: DIGEST, tag: '1.1.0' },
  configRevision: SHA,
  at: '2026-12-01T10:00:00.000Z',
});
const record = (rolloutId: string, result: RolloutRecord['result'], reason: string): RolloutRecord => ({
  id: rolloutId,
  from: null,
  to: { image: `actors@${DIGEST}`, digest: DIGEST, tag: '1.1.0' },
  result,
  startedAt: '2026-12-01T10:00:00.000Z',
  finishedAt: '2026-12-01T10:01:00.000Z',
  durationMs: 60_000,
  reason,
  configRevision: SHA,
});

describe('GitHubReporter over Octokit against the GitHub stand-in', { timeout: 60_000 }, () => {
  let github: GitHubStandIn;
  let metrics: Registry;
  let reporter: GitHubReporter;
  const reporterFor = (settings: Pick<GitHubSettings, 'auth' | 'apiUrl' | 'owner' | 'repo'>) =>
    new GitHubReporter({
      github: new OctokitGitHub({
        settings: { ...settings, writeSpacingMs: 10 },
        logger: silent,
        retryBaseMs: 10,
        requestTimeoutMs: 2_000,
      }),
      servedUrl: (service) => `http://${service}.example/`,
      statusContext: 'ecs-gitops/config',
      logger: silent,
      metrics,
    });
  const counted = async (outcome: string) =>
    (await metrics.getSingleMetric('ecs_gitops_github_reports_total')?.get())?.values.find(
      (v) => v.labels.outcome === outcome,
    )?.value;

  beforeAll(async () => {
    github = await startGitHubStandIn({ logger: silent, token: 'test-token' });
  });
  afterAll(async () => {
    await github?.close();
  });
  beforeEach(() => {
    github.setFault(undefined);
    metrics = new Registry();
    reporter = reporterFor({
      auth: { kind: 'token', token: 'test-token' },
      apiUrl: github.url,
      owner: 'o',
      repo: 'r',
    });
  });

  it('started then succeeded: one deployment for the commit, in_progress then success with the served URL', async () => {
    reporter.report(started('r1'));
    reporter.report({
      kind: 'succeeded',
      service: 'actors',
      rollout: record('r1', 'Succeeded', 'RolloutSucceeded'),
      message: 'ok',
      at: '',
    });
    await reporter.idle();
    const deployment = github
      .deployments()
      .find((d) => d.payload && (d.payload as { rolloutId?: string }).rolloutId === 'r1');
    expect(deployment).toMatchObject({ sha: SHA, environment: 'actors', owner: 'o', repo: 'r' });
    expect(deployment?.statuses.map((s) => s.state)).toEqual(['in_progress', 'success']);
    expect(deployment?.statuses[1]).toMatchObject({
      environmentUrl: 'http://actors.example/',
      description: '1.1.0 is live',
    });
    expect(await counted('sent')).toBe(2);
  });

  it('a rolled-back rollout whose start was missed still gets a deployment, marked failure with the reason', async () => {
    reporter.report({
      kind: 'rolled-back',
      service: 'actors',
      rollout: record('r2', 'RolledBack', 'DeploymentFailed'),
      message: 'failed to start; rolled back to actors:1',
      at: '',
    });
    await reporter.idle();
    const deployment = github
      .deployments()
      .find((d) => (d.payload as { rolloutId?: string }).rolloutId === 'r2');
    expect(deployment?.statuses).toEqual([
      expect.objectContaining({
        state: 'failure',
        description: 'DeploymentFailed: failed to start; rolled back to actors:1',
        environmentUrl: '',
      }),
    ]);
  });

  it('a rejected config commit gets a failed commit status with the first file:line error', async () => {
    reporter.report({
      kind: 'config-rejected',
      revision: SHA,
      errors: [
        {
          file: 'config/services/actors.yaml',
          line: 7,
          column: 3,
          field: 'image.pin',
          message: 'pin must be a tag or digest',
        },
        { file: 'config/services/web.yaml', line: 2, column: 1, field: 'name', message: 'duplicate' },
      ],
    });
    await reporter.idle();
    expect(github.commitStatuses().at(-1)).toMatchObject({
      sha: SHA,
      state: 'failure',
      context: 'ecs-gitops/config',
      description: 'config/services/actors.yaml:7 pin must be a tag or digest (+1 more)',
    });
  });

  it('directory revisions, manual rollbacks and blocked services send nothing to GitHub', async () => {
    const before = github.calls().length;
    reporter.report({ ...started('r3'), configRevision: `sha256:${'c'.repeat(64)}` } as LifecycleEvent);
    reporter.report({
      kind: 'rolled-back',
      service: 'actors',
      rollout: record('m', 'RolledBack', 'ManualRollback'),
      message: '',
      at: '',
    });
    reporter.report({ kind: 'blocked', service: 'actors', reason: 'DigestBlocked', message: '', at: '' });
    await reporter.idle();
    expect(github.calls()).toHaveLength(before);
  });

  it('waits out a 403 rate limit and then delivers, in order', async () => {
    // Held until a call was refused (each 403 naming a reset a second ahead), then lifted: a fixed
    // window had to be 5 s long, as a second could pass before the first call at a CI load of 10-15.
    const mark = github.calls().length;
    github.setFault({ kind: 'rate-limit', seconds: 1, held: true });
    reporter.report(started('r4'));
    reporter.report({
      kind: 'succeeded',
      service: 'actors',
      rollout: record('r4', 'Succeeded', 'RolloutSucceeded'),
      message: 'ok',
      at: '',
    });
    await expect
      .poll(
        () =>
          github
            .calls()
            .slice(mark)
            .some((c) => c.status === 403),
        { timeout: 20_000, interval: 20 },
      )
      .toBe(true);
    github.setFault(undefined);
    await reporter.idle();
    const calls = github.calls().slice(mark);
    // Octokit came back no earlier than the reset the 403 named.
    const [refused] = calls.filter((c) => c.status === 403);
    const accepted = calls.filter((c) => c.status === 201);
    expect(accepted).toHaveLength(3);
    // The clock of a timer may run a few ms behind Date.now(): a retry is never seconds early.
    expect(Date.parse(accepted[0]?.at ?? '')).toBeGreaterThanOrEqual(
      Date.parse(refused?.rateLimitReset ?? '') - 100,
    );
    const deployment = github
      .deployments()
      .find((d) => (d.payload as { rolloutId?: string }).rolloutId === 'r4');
    expect(deployment?.statuses.map((s) => s.state)).toEqual(['in_progress', 'success']);
    expect(await counted('failed')).toBe(0);
  });

  it('retries a 502 and delivers', async () => {
    github.setFault({ kind: 'error', status: 502, count: 2 });
    reporter.report(started('r5'));
    await reporter.idle();
    const deployment = github
      .deployments()
      .find((d) => (d.payload as { rolloutId?: string }).rolloutId === 'r5');
    expect(deployment?.statuses.map((s) => s.state)).toEqual(['in_progress']);
  });

  it('a GitHub that keeps failing is counted as failed, and report() never throws', async () => {
    github.setFault({ kind: 'error', status: 503 });
    expect(() => reporter.report(started('r6'))).not.toThrow();
    await reporter.idle();
    expect(await counted('failed')).toBe(1);
    expect(await counted('sent')).toBe(0);
  });

  it('a GitHub slower than the request timeout is given up after the retries and counted, not waited on forever', async () => {
    github.setFault({ kind: 'slow', delayMs: 3_000 });
    metrics = new Registry();
    const slow = new GitHubReporter({
      github: new OctokitGitHub({
        settings: {
          auth: { kind: 'token', token: 'test-token' },
          apiUrl: github.url,
          owner: 'o',
          repo: 'r',
          writeSpacingMs: 10,
        },
        logger: silent,
        retryBaseMs: 1,
        requestTimeoutMs: 100,
      }),
      servedUrl: () => undefined,
      statusContext: 'ecs-gitops/config',
      logger: silent,
      metrics,
    });
    slow.report(started('r8'));
    await slow.idle();
    expect(await counted('failed')).toBe(1);
    expect(github.deployments().some((d) => (d.payload as { rolloutId?: string }).rolloutId === 'r8')).toBe(
      false,
    );
  });

  it('authenticates as a GitHub App: the installation token minted by @octokit/auth-app is accepted', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    metrics = new Registry();
    const app = reporterFor({
      auth: { kind: 'app', appId: '12345', privateKey: pem, installationId: 42 },
      apiUrl: github.url,
      owner: 'o',
      repo: 'r',
    });
    app.report(started('r7'));
    await app.idle();
    const calls = github.calls();
    expect(calls).toContainEqual(
      expect.objectContaining({ path: '/app/installations/42/access_tokens', status: 201 }),
    );
    expect(
      github.deployments().find((d) => (d.payload as { rolloutId?: string }).rolloutId === 'r7')?.statuses,
    ).toHaveLength(1);
  });
});
