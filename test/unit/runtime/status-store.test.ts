import { describe, expect, it } from 'vitest';
import type { RolloutRecord } from '../../../deployer/contract/status-model.ts';
import { createMetrics } from '../../../deployer/runtime/metrics.ts';
import { HISTORY_LIMITS, StatusStore } from '../../../deployer/runtime/status-store.ts';
import { FakeClock } from '../../support/fakes/index.ts';

const record = (n: number): RolloutRecord => ({
  id: `ro-${n}`,
  from: null,
  to: { image: `repo@sha256:${n}` },
  result: 'Succeeded',
  startedAt: '2026-01-01T00:00:00.000Z',
  finishedAt: '2026-01-01T00:01:00.000Z',
  durationMs: 60_000,
  reason: 'RolloutSucceeded',
  configRevision: 'rev',
});

describe('StatusStore', () => {
  const rollout = (id: string) => ({
    id,
    step: 'Registering' as const,
    startedAt: '',
    from: null,
    to: { image: 'actors:1' },
  });
  it('snapshot and service() share the stored records (no copy per read), frozen against readers', () => {
    const store = new StatusStore({ mode: 'local', version: '1.0.0', clock: new FakeClock() });
    store.retainServices(['actors', 'web']);
    const snapshot = store.snapshot();
    expect(store.snapshot().services[0]).toBe(snapshot.services[0]);
    expect(store.service('actors')).toBe(snapshot.services[0]);
    expect(() => {
      (snapshot.services[0] as { name: string }).name = 'changed';
    }).toThrow(TypeError);
    expect(() => (snapshot.services[0]?.events as unknown[] | undefined)?.push({})).toThrow(TypeError);
    expect(store.service('actors')?.name).toBe('actors');
  });

  it('a snapshot never changes afterwards: a change stores a changed copy, the unchanged stay shared', () => {
    const store = new StatusStore({ mode: 'local', version: '1.0.0', clock: new FakeClock() });
    store.retainServices(['web']);
    store.rolloutStarted('actors', rollout('a'), 'a');
    const before = store.snapshot();
    const copy = structuredClone(before);
    // As rollout/run-rollout.ts reports a step: the current rollout changed in place, in the change's copy.
    store.update('actors', (service) => {
      if (service.currentRollout) service.currentRollout.step = 'Verifying';
    });
    store.looked('actors', [{ id: 'e1', createdAt: '2026-01-01T00:00:00.000Z', message: 'm' }]);
    store.configRejected('rev-2', [{ file: 'f', line: 1, column: 1, field: '', message: 'bad' }]);
    expect(before).toEqual(copy);
    const after = store.snapshot();
    expect(after.services[0]?.currentRollout?.step).toBe('Verifying');
    expect(after.services[0]?.events).toHaveLength(1);
    expect(after.services[1]).toBe(before.services[1]);
  });

  const verdict = (state: 'Synced' | 'Failed', reason: string, message = '') => ({
    sync: { state, reason, message },
  });

  it('a verdict keeps `since` while the state stays and moves it when the state changes', () => {
    const clock = new FakeClock();
    const store = new StatusStore({ mode: 'local', version: '1.0.0', clock });
    store.rolloutStarted('actors', rollout('a'), 'a');
    const first = store.service('actors')?.sync.since;
    clock.advance(5_000);
    store.rolloutStarted('actors', rollout('b'), 'b');
    expect(store.service('actors')?.sync.since).toBe(first);
    clock.advance(5_000);
    store.reconciled('actors', verdict('Synced', 'RolloutSucceeded', 'c'));
    expect(store.service('actors')?.sync).toEqual({
      state: 'Synced',
      reason: 'RolloutSucceeded',
      message: 'c',
      since: clock.now().toISOString(),
    });
    expect(store.service('actors')?.currentRollout).toBeNull();
  });

  it('configChanged turns only a Synced service OutOfSync until its reconcile', () => {
    const store = new StatusStore({ mode: 'local', version: '1.0.0', clock: new FakeClock() });
    store.reconciled('actors', verdict('Synced', 'UpToDate'));
    store.reconciled('web', verdict('Failed', 'DeploymentFailed', 'boom'));
    store.configChanged('actors', 'abcdef0123456789');
    store.configChanged('web', 'abcdef0123456789');
    expect(store.service('actors')?.sync).toMatchObject({
      state: 'OutOfSync',
      reason: 'ConfigChanged',
      message: 'config abcdef012345 changed this service; its reconcile has not run yet',
    });
    expect(store.service('web')?.sync).toMatchObject({ state: 'Failed', message: 'boom' });
  });

  it('suspensionShown marks the service suspended and its status Suspended in one change', () => {
    const store = new StatusStore({ mode: 'local', version: '1.0.0', clock: new FakeClock() });
    store.suspensionShown('actors', { reason: 'SuspendedByApi', message: 'held' });
    expect(store.service('actors')).toMatchObject({
      suspended: true,
      sync: { state: 'Suspended', reason: 'SuspendedByApi', message: 'held' },
    });
  });

  it('histories are bounded and newest first', () => {
    const store = new StatusStore({ mode: 'local', version: '1.0.0', clock: new FakeClock() });
    for (let n = 0; n < HISTORY_LIMITS.rollouts + 5; n++) store.addRollout('actors', record(n));
    const rollouts = store.service('actors')?.recentRollouts ?? [];
    expect(rollouts).toHaveLength(HISTORY_LIMITS.rollouts);
    expect(rollouts[0]?.id).toBe(`ro-${HISTORY_LIMITS.rollouts + 4}`);
  });

  it('looked returns only unseen events, oldest first, and keeps the newest first', () => {
    const store = new StatusStore({ mode: 'local', version: '1.0.0', clock: new FakeClock() });
    const e = (id: string, minute: number) => ({
      id,
      createdAt: `2026-01-01T00:0${minute}:00.000Z`,
      message: id,
    });
    expect(store.looked('actors', [e('b', 2), e('a', 1)]).map((x) => x.id)).toEqual(['a', 'b']);
    expect(store.looked('actors', [e('c', 3), e('b', 2)]).map((x) => x.id)).toEqual(['c']);
    expect(store.service('actors')?.events.map((x) => x.id)).toEqual(['c', 'b', 'a']);
  });

  it('keeps the newest events of the 100 ECS answers; the older ones are not new at the next look', async () => {
    const store = new StatusStore({ mode: 'local', version: '1.0.0', clock: new FakeClock() });
    const answer = Array.from({ length: 100 }, (_, n) => ({
      id: `e${n}`,
      createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, 100 - n)).toISOString(),
      message: `event ${n}`,
    }));
    const added = store.looked('actors', answer);
    // What the dashboard shows of them (3 in view, 7 folded): no more is kept.
    expect(HISTORY_LIMITS.events).toBe(10);
    expect(added.map((e) => e.id)).toEqual(
      answer
        .slice(0, 10)
        .map((e) => e.id)
        .reverse(),
    );
    expect(store.service('actors')?.events.map((e) => e.id)).toEqual(answer.slice(0, 10).map((e) => e.id));
    const kept = store.service('actors');
    let notified = 0;
    store.subscribe(() => notified++);
    expect(store.looked('actors', answer)).toEqual([]);
    await Promise.resolve();
    expect(store.service('actors')).toBe(kept);
    expect(notified).toBe(0);
  });

  it('looked takes ECS events as ECS answers them (a Date) and the change with them, in one change', async () => {
    const store = new StatusStore({ mode: 'local', version: '1.0.0', clock: new FakeClock() });
    let notified = 0;
    store.subscribe(() => notified++);
    const added = store.looked(
      'actors',
      [{ id: 'e1', createdAt: new Date(Date.UTC(2026, 0, 1)), message: 'm' }],
      (s) => {
        s.tasks = { desired: 1, running: 1, pending: 0, observedAt: '2026-01-01T00:00:00.000Z' };
      },
    );
    expect(added).toEqual([{ id: 'e1', createdAt: '2026-01-01T00:00:00.000Z', message: 'm' }]);
    expect(store.service('actors')).toMatchObject({ events: added, tasks: { running: 1 } });
    await Promise.resolve();
    expect(notified).toBe(1);
  });

  it('retainServices drops services that left the config', () => {
    const store = new StatusStore({ mode: 'local', version: '1.0.0', clock: new FakeClock() });
    store.retainServices(['actors', 'web']);
    store.retainServices(['web']);
    expect(store.names()).toEqual(['web']);
  });

  it('subscribers get one coalesced snapshot per burst of changes', async () => {
    const store = new StatusStore({ mode: 'local', version: '1.0.0', clock: new FakeClock() });
    const seen: string[][] = [];
    const unsubscribe = store.subscribe((s) => seen.push(s.services.map((x) => x.sync.state)));
    store.rolloutStarted('actors', rollout('a'), '');
    store.reconciled('actors', verdict('Synced', 'RolloutSucceeded'));
    await Promise.resolve();
    expect(seen).toEqual([['Synced']]);
    unsubscribe();
    store.reconciled('actors', verdict('Failed', 'DeploymentFailed'));
    await Promise.resolve();
    expect(seen).toHaveLength(1);
  });

  it('a throwing subscriber does not stop the others', async () => {
    const store = new StatusStore({ mode: 'local', version: '1.0.0', clock: new FakeClock() });
    let called = false;
    store.subscribe(() => {
      throw new Error('closed stream');
    });
    store.subscribe(() => {
      called = true;
    });
    store.configApplied('rev');
    await Promise.resolve();
    expect(called).toBe(true);
  });
});

describe('createMetrics', () => {
  it('syncState sets 1 for the current state and 0 for the others', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.syncState('actors', 'Failed');
    const text = await metrics.registry.getSingleMetricAsString('ecs_gitops_sync_state');
    expect(text).toContain('ecs_gitops_sync_state{service="actors",state="Failed"} 1');
    expect(text).toContain('ecs_gitops_sync_state{service="actors",state="Synced"} 0');
  });

  it('rolloutStep keeps only the current step and drops it when the rollout ends', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.rolloutStep('actors', 'Waiting');
    metrics.rolloutStep('actors', 'Verifying');
    let text = await metrics.registry.getSingleMetricAsString('ecs_gitops_rollout_step');
    expect(text).toContain('ecs_gitops_rollout_step{service="actors",step="Verifying"} 1');
    expect(text).not.toContain('step="Waiting"');
    metrics.rolloutStep('actors', undefined);
    text = await metrics.registry.getSingleMetricAsString('ecs_gitops_rollout_step');
    expect(text).not.toContain('service="actors"');
  });

  it('queueMessages reports visible and in-flight counts', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.queueMessages(3, 1);
    const text = await metrics.registry.getSingleMetricAsString('ecs_gitops_queue_messages');
    expect(text).toContain('ecs_gitops_queue_messages{state="visible"} 3');
    expect(text).toContain('ecs_gitops_queue_messages{state="in_flight"} 1');
  });

  it('forget removes every series of a service', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.syncState('web', 'Synced');
    metrics.rolloutFinished('web', 'Succeeded', 12);
    metrics.forget('web');
    const text = await metrics.registry.metrics();
    expect(text).not.toContain('service="web"');
  });
});
