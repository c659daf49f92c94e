// A replica that does not run a rollout shows it from ECS: the deployments DescribeServices shows and the
// tags the acting replica writes (here written the way rollout/deploy.ts writes them), counted calls.
import { describe, expect, it } from 'vitest';
import { revisionTags } from '../../../deployer/domain/revision-tags.ts';
import type { ServiceConfig } from '../../../deployer/domain/types.ts';
import { rebuildStatus } from '../../../deployer/runtime/rebuild-status.ts';
import { refreshPeriodMs } from '../../../deployer/runtime/status-refresh.ts';
import {
  actorsServiceConfig,
  FakeClock,
  FakeEcs,
  REGISTRY_HOST,
  silentLogger,
} from '../../support/fakes/index.ts';
import { statusRefreshOverFakes } from '../../support/status-refresh-over-fakes.ts';

const digest = (n: number) => `sha256:${String(n).repeat(64)}`;

function observer(configs: ServiceConfig[]) {
  const clock = new FakeClock();
  const ecs = new FakeEcs(clock, { pollsToFinish: 1_000 });
  const seeded = configs.map((c) =>
    ecs.seed({
      service: c.service,
      container: c.container,
      image: `${REGISTRY_HOST}/${c.name}@${digest(1)}`,
    }),
  );
  const { store, cached, refresh } = statusRefreshOverFakes(ecs, clock, () => configs);
  const signal = AbortSignal.timeout(5_000);
  return { clock, ecs, seeded, store, cached, refresh, signal };
}

/** What the acting replica writes when it registers and updates (rollout/register.ts, update.ts). */
async function startRollout(ecs: FakeEcs, previous: string, n: number, id: string): Promise<string> {
  const arn = await ecs.registerTaskDefinition(
    {
      family: 'actors',
      containerDefinitions: [
        { name: 'actors', image: `${REGISTRY_HOST}/actors@${digest(n)}`, essential: true },
      ],
    },
    revisionTags({
      rolloutId: id,
      service: 'actors',
      digest: digest(n),
      configRevision: 'c'.repeat(40),
      result: 'InProgress',
      startedAt: '2026-01-01T00:00:00.000Z',
      previousArn: previous,
      trigger: { kind: 'image-push', repository: 'actors', tag: `1.${n}.0` },
    }),
  );
  await ecs.updateService('gitops', 'actors', arn);
  return arn;
}

const finish = (ecs: FakeEcs, arn: string, result: 'Succeeded' | 'Failed' | 'RolledBack', reason: string) =>
  ecs.tagResource(arn, revisionTags({ result, reason, finishedAt: '2026-01-01T00:01:00.000Z' }));

const verifying = actorsServiceConfig({
  verify: {
    url: 'http://x/version',
    expectVersion: true,
    successes: 1,
    intervalSeconds: 1,
    timeoutSeconds: 5,
  },
});

describe('StatusRefresh', () => {
  it('shows another replica’s rollout Waiting, then Verifying, then its Succeeded record and verdict', async () => {
    const { ecs, seeded, store, cached, refresh, signal } = observer([verifying]);
    await rebuildStatus({ ecs: cached, store, logger: silentLogger }, [verifying], signal);
    await refresh.pass(signal);
    expect(store.service('actors')?.currentRollout).toBeNull();

    const arn = await startRollout(ecs, seeded[0] as string, 2, 'ro-2');
    await refresh.pass(signal);
    expect(store.service('actors')).toMatchObject({
      currentRollout: {
        id: 'ro-2',
        step: 'Waiting',
        from: { image: `${REGISTRY_HOST}/actors@${digest(1)}` },
        to: { digest: digest(2), taskDefinitionArn: arn },
        trigger: { kind: 'image-push', tag: '1.2.0' },
      },
      sync: { state: 'Progressing', reason: 'RolloutStarted' },
    });

    ecs.pollsToFinish = 0; // ECS finishes the deployment; the acting replica verifies
    await refresh.pass(signal);
    expect(store.service('actors')?.currentRollout).toMatchObject({ id: 'ro-2', step: 'Verifying' });

    await finish(ecs, arn, 'Succeeded', 'RolloutSucceeded');
    await refresh.pass(signal);
    const done = store.service('actors');
    expect(done).toMatchObject({
      currentRollout: null,
      sync: { state: 'Synced', reason: 'RolloutSucceeded' },
      live: { digest: digest(2), taskDefinitionArn: arn },
    });
    expect(done?.recentRollouts[0]).toMatchObject({
      id: 'ro-2',
      result: 'Succeeded',
      to: { digest: digest(2) },
    });
  });

  it('shows ECS’s rollback as RollingBack, then the RolledBack record and the failed digest', async () => {
    const config = actorsServiceConfig();
    const { ecs, seeded, store, refresh, signal } = observer([config]);
    await refresh.pass(signal);
    const arn = await startRollout(ecs, seeded[0] as string, 3, 'ro-3');
    await refresh.pass(signal);
    ecs.behaviour = (revision) => (revision === arn ? 'fail' : 'complete');
    ecs.pollsToFinish = 0; // the circuit breaker fails it and puts the previous revision back
    await refresh.pass(signal);
    expect(store.service('actors')?.currentRollout).toMatchObject({ id: 'ro-3', step: 'RollingBack' });

    await finish(ecs, arn, 'RolledBack', 'DeploymentFailed');
    await refresh.pass(signal); // the previous deployment completes on this look
    await refresh.pass(signal);
    const after = store.service('actors');
    expect(after).toMatchObject({
      currentRollout: null,
      sync: { state: 'Failed', reason: 'DeploymentFailed' },
    });
    expect(after?.recentRollouts[0]).toMatchObject({ id: 'ro-3', result: 'RolledBack' });
    expect(after?.failedDigests.map((f) => f.digest)).toEqual([digest(3)]);
    expect(after?.live?.digest).toBe(digest(1));
  });

  it('keeps this process’s RolledBack verdict when the rollback puts an older Succeeded revision back', async () => {
    const config = actorsServiceConfig();
    const { ecs, seeded, store, refresh, signal } = observer([config]);
    await refresh.pass(signal);
    ecs.pollsToFinish = 0;
    /** A rollout this process runs: acting while it runs, its record and verdict at the end. */
    const actOn = async (n: number, previous: string, result: 'Succeeded' | 'RolledBack', reason: string) => {
      const id = `ro-${n}`;
      store.rolloutStarted(
        'actors',
        { id, step: 'Waiting', startedAt: '', from: null, to: { image: 'x', digest: digest(n) } },
        'rolling out',
      );
      const arn = await startRollout(ecs, previous, n, id);
      await ecs.describeService('gitops', 'actors', signal); // ECS finishes the deployment
      await finish(ecs, arn, result, reason);
      store.addRollout('actors', {
        id,
        from: null,
        to: { image: 'x', digest: digest(n) },
        result,
        startedAt: '2026-01-01T00:00:00.000Z',
        finishedAt: `2026-01-01T00:0${n}:00.000Z`,
        durationMs: 1_000,
        reason,
        configRevision: 'c'.repeat(40),
        taskDefinitionArn: arn,
      });
      return arn;
    };
    const good = await actOn(5, seeded[0] as string, 'Succeeded', 'RolloutSucceeded');
    store.reconciled('actors', { sync: { state: 'Synced', reason: 'RolloutSucceeded', message: 'ok' } });
    // 1.6.0: the strategy gate stops it and ECS puts 1.5.0 back, then this process's verdict.
    await actOn(6, good, 'RolledBack', 'StrategyProbeFailed');
    await ecs.updateService('gitops', 'actors', good);
    store.reconciled('actors', {
      sync: { state: 'Failed', reason: 'StrategyProbeFailed', message: 'rolled back' },
    });
    // ECS's rollback event wakes a look: the live revision's record is 1.5.0's old success.
    await refresh.soon('actors', signal);
    await refresh.pass(signal);
    expect(store.service('actors')).toMatchObject({
      sync: { state: 'Failed', reason: 'StrategyProbeFailed' },
      live: { taskDefinitionArn: good },
    });
    expect(store.service('actors')?.recentRollouts[0]).toMatchObject({ id: 'ro-6' });
  });

  it('leaves a service alone while this process runs its rollout', async () => {
    const config = actorsServiceConfig();
    const { ecs, seeded, store, refresh, signal } = observer([config]);
    await startRollout(ecs, seeded[0] as string, 4, 'ro-4');
    store.rolloutStarted(
      'actors',
      { id: 'ro-4', step: 'Verifying', startedAt: '', from: null, to: { image: 'x', digest: digest(4) } },
      'rolling out',
    );
    await refresh.pass(signal);
    expect(store.service('actors')?.currentRollout).toMatchObject({ id: 'ro-4', step: 'Verifying' });
  });

  it('costs one DescribeServices per 10 services a pass and no task definition read when nothing moves', async () => {
    const configs = Array.from({ length: 25 }, (_, i) =>
      actorsServiceConfig({ name: `svc-${i}`, service: `svc-${i}`, container: `svc-${i}` }),
    );
    const { ecs, refresh, signal } = observer(configs);
    await refresh.pass(signal); // first look: each live revision once, then from the cache
    ecs.counter.reset();
    await refresh.pass(signal);
    await refresh.pass(signal);
    expect(ecs.counter.byOperation()).toEqual({ 'ecs:DescribeServices': 6 });
  });

  it('is as stale as a pass at the budget shared by the replicas, or the period', () => {
    expect([100, 1_000, 10_000].map((n) => refreshPeriodMs(n))).toEqual([2_000, 20_000, 200_000]);
    expect(refreshPeriodMs(3)).toBe(2_000);
    expect(refreshPeriodMs(1_000, { replicas: 2 })).toBe(40_000);
    expect(refreshPeriodMs(3, { periodMs: 30_000, replicas: 2 })).toBe(30_000);
  });
});

/** 25 services (3 DescribeServices a pass), the refresh started on the fake clock. */
function started(options: { othersAtWork?: () => boolean } = {}) {
  const configs = Array.from({ length: 25 }, (_, i) =>
    actorsServiceConfig({ name: `svc-${i}`, service: `svc-${i}`, container: `svc-${i}` }),
  );
  const clock = new FakeClock();
  const ecs = new FakeEcs(clock, { pollsToFinish: 1_000 });
  for (const c of configs)
    ecs.seed({
      service: c.service,
      container: c.container,
      image: `${REGISTRY_HOST}/${c.name}@${digest(1)}`,
    });
  const { store, refresh } = statusRefreshOverFakes(ecs, clock, () => configs, options);
  const stop = new AbortController();
  refresh.start(stop.signal);
  /** Moves virtual time one second at a time, letting each second's work finish. */
  const seconds = async (n: number) => {
    for (let i = 0; i < n; i++) {
      clock.advance(1_000);
      for (let turn = 0; turn < 20; turn++) await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return { ecs, store, refresh, stop, seconds, signal: AbortSignal.timeout(5_000) };
}

describe('StatusRefresh pacing (issue 17: no polling while nothing moves)', () => {
  it('a replica with nothing in flight makes one pass per 30 s: at most 9 DescribeServices a minute for 25 services', async () => {
    const { ecs, stop, seconds } = started();
    await seconds(60);
    stop.abort();
    // The first pass at start, then one every 30 s: 3 passes of 3 calls (a 1 s poll would make 180).
    expect(ecs.counter.count('ecs:DescribeServices')).toBeLessThanOrEqual(9);
    expect(ecs.counter.count('ecs:DescribeServices')).toBeGreaterThanOrEqual(3);
  });

  it('passes every 2 s while the queue shows another replica at work, and slows down when it stops', async () => {
    let othersAtWork = true;
    const { ecs, stop, seconds } = started({ othersAtWork: () => othersAtWork });
    await seconds(20);
    const busy = ecs.counter.count('ecs:DescribeServices');
    expect(busy).toBeGreaterThanOrEqual(3 * 10);
    othersAtWork = false;
    ecs.counter.reset();
    await seconds(60);
    stop.abort();
    expect(ecs.counter.count('ecs:DescribeServices')).toBeLessThanOrEqual(6);
  });

  it('an ECS event looks at its service alone, and not at all at one this process rolls out', async () => {
    const { ecs, store, refresh, stop, signal } = started();
    await new Promise((resolve) => setImmediate(resolve));
    ecs.counter.reset();
    await refresh.soon('svc-3', signal);
    expect(ecs.counter.count('ecs:DescribeServices')).toBe(1);
    store.rolloutStarted(
      'svc-4',
      { id: 'ro', step: 'Waiting', startedAt: '', from: null, to: { image: 'x', digest: digest(2) } },
      'rolling out',
    );
    await refresh.soon('svc-4', signal);
    stop.abort();
    expect(ecs.counter.count('ecs:DescribeServices')).toBe(1);
  });
});
