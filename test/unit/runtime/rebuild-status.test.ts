import { describe, expect, it } from 'vitest';
import type { DescribedTaskDefinition } from '../../../deployer/ports.ts';
import { history, rebuildStatus } from '../../../deployer/runtime/rebuild-status.ts';
import { actorsServiceConfig, REGISTRY_HOST, silentLogger } from '../../support/fakes/index.ts';
import { ecsAndStore } from '../../support/runtime-over-fakes.ts';

const config = actorsServiceConfig({ rollout: { timeoutSeconds: 60, rollback: true } });

const d = (n: number) => `sha256:${String(n).repeat(64)}`;
const arn = (n: number) => `arn:aws:ecs:eu-west-1:1:task-definition/actors:${n}`;

function revision(n: number, tags: Record<string, string>): [string, DescribedTaskDefinition] {
  return [
    arn(n),
    {
      taskDefinition: {
        family: 'actors',
        revision: n,
        taskDefinitionArn: arn(n),
        containerDefinitions: [
          { name: 'actors', image: `${REGISTRY_HOST}/actors@${tags['ecs-gitops:digest'] ?? d(0)}` },
        ],
      },
      tags,
    },
  ];
}

const ours = (n: number, digest: string, extra: Record<string, string>) =>
  revision(n, {
    'ecs-gitops:rollout-id': `ro-${n}`,
    'ecs-gitops:service': 'actors',
    'ecs-gitops:digest': digest,
    'ecs-gitops:config-revision': 'rev',
    'ecs-gitops:started-at': '2026-01-01T00:00:00.000Z',
    'ecs-gitops:finished-at': '2026-01-01T00:00:30.000Z',
    'ecs-gitops:previous-task-definition': arn(n - 1),
    ...extra,
  });

describe('history', () => {
  it('reads rollouts newest first, skipping running ones and other services', () => {
    const revisions = new Map([
      ours(5, d(3), {}), // still running: no result
      ours(4, d(2), { 'ecs-gitops:result': 'RolledBack', 'ecs-gitops:reason': 'VerifyTimeout' }),
      ours(3, d(1), { 'ecs-gitops:result': 'Succeeded', 'ecs-gitops:service': 'web' }),
      ours(2, d(1), { 'ecs-gitops:result': 'Succeeded' }),
      revision(1, {}),
    ]);
    const { rollouts, failed } = history(config, revisions);
    expect(rollouts.map((r) => [r.id, r.result, r.reason])).toEqual([
      ['ro-4', 'RolledBack', 'VerifyTimeout'],
      ['ro-2', 'Succeeded', 'RolloutSucceeded'],
    ]);
    expect(rollouts[0]).toMatchObject({
      durationMs: 30_000,
      from: { taskDefinitionArn: arn(3) },
      to: { digest: d(2), taskDefinitionArn: arn(4), image: `${REGISTRY_HOST}/actors@${d(2)}` },
    });
    expect(failed).toEqual([
      { digest: d(2), reason: 'VerifyTimeout', failedAt: '2026-01-01T00:00:30.000Z', rolloutId: 'ro-4' },
    ]);
  });

  it('a newer success of a digest clears its older failure', () => {
    const revisions = new Map([
      ours(3, d(2), { 'ecs-gitops:result': 'Succeeded' }),
      ours(2, d(2), { 'ecs-gitops:result': 'Failed', 'ecs-gitops:reason': 'DeploymentFailed' }),
    ]);
    expect(history(config, revisions).failed).toEqual([]);
  });

  it('a restarted replica keeps why a digest failed (the failure-message tag, decoded)', () => {
    const revisions = new Map([
      ours(2, d(2), {
        'ecs-gitops:result': 'RolledBack',
        'ecs-gitops:reason': 'StrategyProbeFailed',
        'ecs-gitops:failure-message': 'analysis failed=3A alarm actors-5xx in ALARM',
      }),
    ]);
    expect(history(config, revisions).failed[0]?.message).toBe('analysis failed: alarm actors-5xx in ALARM');
  });
});

describe('rebuildStatus', () => {
  it('marks a service Unknown with RebuildFailed when ECS cannot describe it', async () => {
    const { ecs, store } = ecsAndStore();
    await rebuildStatus({ ecs, store, logger: silentLogger }, [config], AbortSignal.timeout(1000));
    expect(store.service('actors')?.sync).toMatchObject({ state: 'Unknown', reason: 'RebuildFailed' });
  });

  it('fills live image and events from ECS and reports the live revision tags', async () => {
    const { ecs, store } = ecsAndStore();
    const seeded = ecs.seed({ service: 'actors', image: `${REGISTRY_HOST}/actors@${d(7)}` });
    await ecs.tagResource(seeded, { 'ecs-gitops:suspended': 'ManualRollback' });
    const suspended: [string, string | undefined, string][] = [];
    await rebuildStatus(
      {
        ecs,
        store,
        logger: silentLogger,
        onLiveRecord: (name, record, arn) => suspended.push([name, record.suspended, arn]),
      },
      [config],
      AbortSignal.timeout(1000),
    );
    expect(store.service('actors')?.live).toEqual({
      image: `${REGISTRY_HOST}/actors@${d(7)}`,
      digest: d(7),
      taskDefinitionArn: seeded,
    });
    expect(suspended).toEqual([['actors', 'ManualRollback', seeded]]);
  });
});
