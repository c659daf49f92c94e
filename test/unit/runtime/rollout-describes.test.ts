// Issue 17 item 4: 10x fewer DescribeServices per rollout than a 1 s poll, over the WHOLE rollout. Time
// does not pass here (a SteppedClock nobody wakes: the 30 s fallback poll never fires), so every
// DescribeServices counted is one the rollout asked for, not one a clock paced. The reconcile reads the
// service once to decide; UpdateService's answer is the wait's first look; ECS's COMPLETED event naming
// the new deployment finishes the wait. Before: 3 (decide, a first look after the update, a look on
// the event).
import { afterEach, describe, expect, it } from 'vitest';
import { SteppedClock } from '../../support/fakes/index.ts';
import { runtimeOverFakes, stopRuntimes } from '../../support/runtime-over-fakes.ts';
import { untilStatus } from '../../support/until-status.ts';

afterEach(stopRuntimes);

async function rolloutWaitingOnEcs() {
  const world = runtimeOverFakes();
  world.seedActors({ byDigest: true, yaml: { verify: false, cdn: false } });
  const runtime = world.boot({ clock: new SteppedClock() });
  await runtime.start();
  await untilStatus(runtime, (s) => s.services[0]?.sync.state === 'Synced');
  const before = world.ecs.counter.byOperation();
  const digest = world.registry.push('actors', '1.1.0');
  await runtime.enqueue(
    { kind: 'image-push', repository: 'actors', digest, tag: '1.1.0', pushedAt: '' },
    AbortSignal.timeout(5_000),
  );
  await untilStatus(runtime, (s) => s.services[0]?.currentRollout?.step === 'Waiting');
  const event = (deploymentId: string, name = 'SERVICE_DEPLOYMENT_COMPLETED') =>
    runtime.enqueue(
      { kind: 'deployment-event', cluster: 'gitops', service: 'actors', event: name, deploymentId, at: '' },
      AbortSignal.timeout(5_000),
    );
  const finished = () =>
    untilStatus(
      runtime,
      (s) => s.services[0]?.live?.digest === digest && s.services[0].currentRollout === null,
    );
  const describes = () => world.ecs.counter.since(before)['ecs:DescribeServices'] ?? 0;
  return { world, runtime, digest, event, finished, describes };
}

describe('DescribeServices per rollout', () => {
  it('is 1 for a rollout that ECS completes and reports with its deployment event', async () => {
    const { world, event, finished, describes } = await rolloutWaitingOnEcs();
    expect(describes()).toBe(1); // the reconcile's read; the wait looked at UpdateService's answer
    await event(world.ecs.finishDeployment('actors'));
    const status = await finished();
    expect(status.services[0]?.recentRollouts[0]).toMatchObject({ result: 'Succeeded' });
    expect(describes()).toBe(1);
  });

  it("looks again when the COMPLETED event names another deployment (not the rollout's own)", async () => {
    const { world, event, finished, describes } = await rolloutWaitingOnEcs();
    const ours = world.ecs.finishDeployment('actors');
    await event('ecs-svc/someone-else');
    await finished(); // the look finds ours completed
    expect(describes()).toBe(2);
    expect(ours).not.toBe('ecs-svc/someone-else');
  });
});
