// The rollout id follows the service's own desired state (issue 13 item 5, issue 11 item 4): a commit
// that leaves the service as it is finds the revision it registered before; a change made outside the
// deployer (a CDK deploy of cpu, memory, environment) is rolled out, never undone by reusing an older
// revision that carries the same id.
import { describe, expect, it } from 'vitest';
import { REVISION_TAG_KEYS } from '../../../deployer/domain/revision-tags.ts';
import { serviceYaml } from '../../support/fakes/index.ts';
import { fakeWorld, transient } from './harness.ts';

describe('Reconciler rollout ids and the desired state', () => {
  it('reconcile after a docs-only commit finds the revision the interrupted rollout registered', async () => {
    const world = fakeWorld();
    const v11 = world.registry.push('actors', '1.1.0');
    world.ecs.failNext = { method: 'updateService', error: transient(), skip: 0 }; // registered, then a crash
    await expect(world.reconcile()).rejects.toThrow('simulated crash');
    expect(world.ecs.calls.register).toBe(1);
    // The deployer was down while a commit touched only the docs under config/.
    world.setConfig([serviceYaml({})], 'rev-2-docs-only');
    await world.reconcile();
    expect(world.ecs.calls.register).toBe(1);
    expect(world.ecs.servedDigest()).toBe(v11);
    expect(world.store.service('actors')?.sync).toMatchObject({
      state: 'Synced',
      reason: 'RolloutSucceeded',
    });
  });

  it('reconcile after a CDK deploy changed cpu rolls the desired digest out on the new cpu', async () => {
    const world = fakeWorld();
    await world.reconcile(); // 1.0.0 by digest, from the seeded (CDK) revision
    const ours = world.ecs.primaryArn();
    const cdk = structuredClone(world.ecs.revisions.get(world.seededArn)?.taskDefinition);
    if (!cdk) throw new Error('no seeded revision');
    // `cdk deploy`: a new revision from the template (its image by tag, cpu changed), deployed by ECS.
    cdk.cpu = '1024';
    const cdkArn = await world.ecs.registerTaskDefinition(cdk, {});
    await world.ecs.updateService('gitops', 'actors', cdkArn);
    await world.reconcile();

    const served = world.ecs.primaryArn();
    expect(served).not.toBe(ours); // not the older revision with the same digest reused by id
    expect(world.ecs.revisions.get(served)?.taskDefinition.cpu).toBe('1024');
    expect(world.ecs.servedDigest()).toBe(world.v1);
    expect(world.ecs.revisions.get(served)?.tags[REVISION_TAG_KEYS.rolloutId]).not.toBe(
      world.ecs.revisions.get(ours)?.tags[REVISION_TAG_KEYS.rolloutId],
    );
  });
});
