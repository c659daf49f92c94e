// A CDN error after a verified rollout is neither terminal nor sticky (issue 12 item 4): the rollout is
// recorded as served, the status stays Synced, and the invalidation is retried on its own, without
// verifying the rollout again.
import { describe, expect, it } from 'vitest';
import { DeployerError } from '../../../deployer/domain/errors.ts';
import { REVISION_TAG_KEYS } from '../../../deployer/domain/revision-tags.ts';
import { fakeWorld } from './harness.ts';

const tagsOf = (world: ReturnType<typeof fakeWorld>, arn: string) => world.ecs.revisions.get(arn)?.tags ?? {};

function failingCdn(world: ReturnType<typeof fakeWorld>, error: () => Error) {
  const create = world.cdn.createInvalidation.bind(world.cdn);
  const cdn = { failing: true };
  world.cdn.createInvalidation = async (...args) => {
    if (cdn.failing) throw error();
    return create(...args);
  };
  return cdn;
}

const noSuchDistribution = () =>
  new DeployerError('AWS_REQUEST_REJECTED', 'cloudfront:CreateInvalidation failed: NoSuchDistribution');
const throttled = () =>
  new DeployerError('AWS_THROTTLED', 'cloudfront:CreateInvalidation failed: Throttling');

describe('Reconciler and CDN errors after a verified rollout', () => {
  it('a NoSuchDistribution after verify records the rollout as served and keeps the status Synced', async () => {
    const world = fakeWorld();
    const v11 = world.registry.push('actors', '1.1.0');
    failingCdn(world, noSuchDistribution);
    await world.reconcile(); // terminal CDN error: not thrown, nothing to redeliver

    const arn = world.ecs.primaryArn();
    expect(tagsOf(world, arn)).toMatchObject({
      [REVISION_TAG_KEYS.result]: 'Succeeded',
      [REVISION_TAG_KEYS.invalidation]: 'Pending',
    });
    const status = world.store.service('actors');
    expect(status?.sync).toMatchObject({ state: 'Synced', reason: 'InvalidationPending' });
    expect(status?.sync.message).toContain('NoSuchDistribution');
    expect(status?.recentRollouts[0]).toMatchObject({ result: 'Succeeded', to: { digest: v11 } });
    expect(status?.failedDigests).toEqual([]);
  });

  it('the next reconcile retries only the invalidation, and clears it once CloudFront accepts', async () => {
    const world = fakeWorld();
    world.registry.push('actors', '1.1.0');
    const cdn = failingCdn(world, noSuchDistribution);
    await world.reconcile();
    const probes = world.probe.urls.length;
    const updates = world.ecs.calls.update.length;

    await world.reconcile(); // still failing: no new verify, no new deployment
    expect(world.probe.urls.length).toBe(probes);
    expect(world.ecs.calls.update).toHaveLength(updates);
    expect(world.store.service('actors')?.sync).toMatchObject({
      state: 'Synced',
      reason: 'InvalidationPending',
    });

    cdn.failing = false; // the config now names the right distribution
    await world.reconcile();
    expect(world.cdn.byReference.size).toBe(1);
    expect(tagsOf(world, world.ecs.primaryArn())[REVISION_TAG_KEYS.invalidation]).toBe('Done');
    expect(world.store.service('actors')?.sync).toMatchObject({ state: 'Synced', reason: 'UpToDate' });
    expect(world.probe.urls.length).toBe(probes);
    await world.reconcile();
    expect(world.cdn.creates).toBe(1);
  });

  it('a throttled invalidation is handed back to the queue for a retry soon, the rollout still served', async () => {
    const world = fakeWorld();
    world.registry.push('actors', '1.1.0');
    const cdn = failingCdn(world, throttled);
    await expect(world.reconcile()).rejects.toThrow('Throttling');
    expect(world.store.service('actors')?.sync).toMatchObject({
      state: 'Synced',
      reason: 'InvalidationPending',
      message: expect.stringContaining('(retrying)'),
    });
    expect(world.store.service('actors')?.recentRollouts[0]?.result).toBe('Succeeded');
    cdn.failing = false;
    await world.reconcile();
    expect(world.store.service('actors')?.sync).toMatchObject({ state: 'Synced', reason: 'UpToDate' });
  });
});
