// The deployer's half of the CDK hand-off: a successful rollout records the digest-pinned image it
// rolled out (the SSM parameter the stack's task definition resolves); a failed one records nothing,
// and a record that cannot be written never fails the rollout.
import { describe, expect, it } from 'vitest';
import { DeployerError } from '../../../deployer/domain/errors.ts';
import { FakeReleaseRecords, REGISTRY_HOST } from '../../support/fakes/index.ts';
import { fakeWorld } from './harness.ts';

describe('release record after a rollout', () => {
  it('a successful rollout records the digest-pinned image it rolled out', async () => {
    const releaseRecords = new FakeReleaseRecords();
    const world = fakeWorld({ releaseRecords });
    const v11 = world.registry.push('actors', '1.1.0');
    await world.reconcile();

    expect(world.store.service('actors')?.sync).toMatchObject({
      state: 'Synced',
      reason: 'RolloutSucceeded',
    });
    expect(releaseRecords.records.get('actors')).toEqual({
      image: `${REGISTRY_HOST}/actors@${v11}`,
      version: 1,
    });
    const metric = await world.metrics.registry.getSingleMetricAsString('ecs_gitops_release_records_total');
    expect(metric).toContain('ecs_gitops_release_records_total{service="actors",outcome="written"} 1');
  });

  it('a failed rollout (rolled back) records nothing: the record keeps what ran before', async () => {
    const releaseRecords = new FakeReleaseRecords();
    const world = fakeWorld({ releaseRecords });
    await world.reconcile();
    const first = releaseRecords.records.get('actors');
    expect(first?.image).toBe(`${REGISTRY_HOST}/actors@${world.v1}`);

    world.registry.push('actors', '1.1.0');
    const before = world.ecs.primaryArn();
    world.ecs.behaviour = (arn) => (arn === before ? 'complete' : 'fail');
    await world.reconcile();

    expect(world.store.service('actors')?.recentRollouts[0]?.result).toBe('RolledBack');
    expect(releaseRecords.records.get('actors')).toEqual(first);
    expect(releaseRecords.counter.count('ssm:PutParameter')).toBe(1);
  });

  it('a record that cannot be written is logged and counted; the rollout still succeeds', async () => {
    const releaseRecords = new FakeReleaseRecords();
    releaseRecords.failNext = {
      method: 'recordServed',
      error: new DeployerError('AWS_REQUEST_REJECTED', 'not authorized to perform ssm:PutParameter'),
    };
    const world = fakeWorld({ releaseRecords });
    world.registry.push('actors', '1.1.0');
    await world.reconcile();

    expect(world.store.service('actors')?.sync).toMatchObject({
      state: 'Synced',
      reason: 'RolloutSucceeded',
    });
    expect(world.store.service('actors')?.recentRollouts[0]?.result).toBe('Succeeded');
    expect(releaseRecords.records.has('actors')).toBe(false);
    const metric = await world.metrics.registry.getSingleMetricAsString('ecs_gitops_release_records_total');
    expect(metric).toContain('ecs_gitops_release_records_total{service="actors",outcome="failed"} 1');
  });

  it('without a release record port (the local world) a rollout records nothing and still succeeds', async () => {
    const world = fakeWorld();
    world.registry.push('actors', '1.1.0');
    await world.reconcile();
    expect(world.store.service('actors')?.sync).toMatchObject({ state: 'Synced' });
  });
});
