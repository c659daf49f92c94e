// The runtime over the fakes: every rollout records what triggered it on its revision, history reads it
// back (also after a restart), and a manual rollback names its target, refuses an unknown one with the
// candidates, records the API token on the revision it went back to, and plans without acting in a dry run.
import { afterEach, describe, expect, it } from 'vitest';
import type { DeployerStatus } from '../../../deployer/contract/status-model.ts';
import { runtimeOverFakes, stopRuntimes } from '../../support/runtime-over-fakes.ts';
import { untilStatus } from '../../support/until-status.ts';

afterEach(stopRuntimes);

const CONFIG_SHA = 'c'.repeat(40);

function setup() {
  const world = runtimeOverFakes();
  const { seededArn } = world.seedActors({ yaml: { cdn: false }, revision: CONFIG_SHA });
  /** A runtime over these fakes; call again for a restarted deployer. */
  const boot = () =>
    world.boot({
      historyLinks: {
        mode: 'aws',
        region: 'eu-west-1',
        github: { webUrl: 'https://github.com', repository: 'example/config', deployments: true },
      },
    });
  return { ecs: world.ecs, registry: world.registry, queue: world.queue, boot, seededArn };
}

const until = untilStatus;

const actors = (status: DeployerStatus) => status.services.find((s) => s.name === 'actors');
const signal = () => AbortSignal.timeout(2_000);

/**
 * Started (the seeded revision, actors:1, names 1.0.0 by tag, so the start rolls out 1.0.0 by digest as
 * actors:2), then rolled out to 1.1.0 by an image push (actors:3).
 */
async function onV11() {
  const world = setup();
  const runtime = world.boot();
  await runtime.start();
  await until(runtime, (s) => actors(s)?.sync.state === 'Synced');
  const v11 = world.registry.push('actors', '1.1.0');
  await runtime.enqueue(
    { kind: 'image-push', repository: 'actors', digest: v11, tag: '1.1.0', pushedAt: '' },
    signal(),
  );
  await until(runtime, (s) => actors(s)?.live?.digest === v11 && actors(s)?.sync.state === 'Synced');
  return { ...world, runtime, v11 };
}

describe('history', () => {
  it("an image push's rollout records its trigger, and history reads it from ECS after a restart", async () => {
    const world = await onV11();
    const expected = {
      revision: 'actors:3',
      live: true,
      digest: world.v11,
      tag: '1.1.0',
      result: 'Succeeded',
      reason: 'RolloutSucceeded',
      configRevision: CONFIG_SHA,
      trigger: { kind: 'image-push', repository: 'actors', tag: '1.1.0' },
      links: {
        commit: `https://github.com/example/config/commit/${CONFIG_SHA}`,
        githubDeployment: 'https://github.com/example/config/deployments/actors',
        ecsDeployment:
          'https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/gitops/services/actors/deployments?region=eu-west-1',
        ecsTaskDefinition:
          'https://eu-west-1.console.aws.amazon.com/ecs/v2/task-definitions/actors/3/containers?region=eu-west-1',
      },
    };
    const before = await world.runtime.history('actors', 20, signal());
    expect(before.revisions[0]).toMatchObject(expected);
    expect(before.revisions[1]).toMatchObject({
      revision: 'actors:2',
      live: false,
      tag: '1.0.0',
      result: 'Succeeded',
      trigger: { kind: 'startup' },
    });
    // Not registered by the deployer: no rollout record, no trigger.
    expect(before.revisions[2]).toMatchObject({ revision: 'actors:1', live: false });
    expect(before.revisions[2]).not.toHaveProperty('result');
    expect(before.revisions[2]).not.toHaveProperty('trigger');
    expect(actors(world.runtime.status())?.recentRollouts[0]?.trigger).toEqual(expected.trigger);

    await world.runtime.stop();
    const restarted = world.boot();
    await restarted.start();
    expect((await restarted.history('actors', 20, signal())).revisions[0]).toMatchObject(expected);
    // The status rebuilt from ECS tags carries it too.
    expect(actors(restarted.status())?.recentRollouts[0]).toMatchObject({
      to: { tag: '1.1.0' },
      trigger: expected.trigger,
    });
  });

  it('a manual sync records the name of the API token that asked', async () => {
    const world = setup();
    const runtime = world.boot();
    await runtime.start();
    await until(runtime, (s) => actors(s)?.sync.state === 'Synced');
    const v11 = world.registry.push('actors', '1.1.0'); // no push event: only the sync finds it
    await runtime.sync('actors', signal(), 'ci-bot');
    await until(runtime, (s) => actors(s)?.live?.digest === v11 && actors(s)?.sync.state === 'Synced');
    const [newest] = (await runtime.history('actors', 20, signal())).revisions;
    expect(newest?.trigger).toEqual({ kind: 'manual-sync', token: 'ci-bot' });
  });

  it('limit bounds the revisions read and says how many more there are', async () => {
    const world = await onV11();
    const history = await world.runtime.history('actors', 1, signal());
    expect(history.revisions.map((r) => r.revision)).toEqual(['actors:3']);
    expect(history.more).toBe(2);
  });
});

describe('manual rollback', () => {
  it('--to banana is refused in our words with the candidates, and nothing changes', async () => {
    const world = await onV11();
    const updates = world.ecs.calls.update.length;
    await expect(world.runtime.rollback('actors', 'banana', signal())).rejects.toMatchObject({
      code: 'ROLLBACK_TARGET_UNKNOWN',
      httpStatus: 404,
      message: expect.stringMatching(
        /^"banana" is not a task definition revision \(give family:revision, a revision number or a task definition ARN\); candidates: actors:2 \(1\.0\.0, Succeeded\), actors:1 \(/,
      ),
    });
    expect(world.ecs.calls.update.length).toBe(updates);
    expect(world.runtime.serviceStatus('actors')?.suspended).toBe(false);
  });

  it('a revision the family does not have is refused with the candidates', async () => {
    const world = await onV11();
    await expect(world.runtime.rollback('actors', 'actors:99', signal())).rejects.toMatchObject({
      code: 'ROLLBACK_TARGET_UNKNOWN',
      message: expect.stringMatching(
        /^actors:99 is not an active revision of family actors; candidates: actors:2 \(1\.0\.0, Succeeded\), actors:1/,
      ),
    });
    await expect(world.runtime.rollback('actors', 'other:1', signal())).rejects.toMatchObject({
      code: 'ROLLBACK_REJECTED',
      message: '"other:1" belongs to family other, not actors',
    });
  });

  it('--dry-run names both revisions and changes nothing', async () => {
    const world = await onV11();
    const live = world.ecs.primaryArn();
    const plan = await world.runtime.rollback('actors', undefined, signal(), { dryRun: true });
    expect(plan).toMatchObject({
      service: 'actors',
      dryRun: true,
      from: { revision: 'actors:3', tag: '1.1.0', digest: world.v11 },
      to: { revision: 'actors:2', tag: '1.0.0' },
    });
    expect(world.ecs.primaryArn()).toBe(live);
    expect(world.runtime.serviceStatus('actors')?.suspended).toBe(false);
  });

  it('records the API token on the revision rolled back to, where history finds it after a restart', async () => {
    const world = await onV11();
    const plan = await world.runtime.rollback('actors', 'actors:1', signal(), { caller: 'ops' });
    expect(plan).toMatchObject({
      dryRun: false,
      from: { revision: 'actors:3' },
      to: { revision: 'actors:1' },
    });
    expect(world.ecs.primaryArn()).toBe(world.seededArn);
    expect(actors(world.runtime.status())?.recentRollouts[0]?.trigger).toEqual({
      kind: 'manual-rollback',
      token: 'ops',
    });
    await world.runtime.stop();
    const restarted = world.boot();
    await restarted.start();
    const seeded = (await restarted.history('actors', 20, signal())).revisions.find(
      (r) => r.revision === 'actors:1',
    );
    expect(seeded).toMatchObject({
      live: true,
      restored: { by: 'ops', from: expect.stringMatching(/\/actors:3$/), at: expect.any(String) },
    });
  });
});
