import { afterEach, describe, expect, it } from 'vitest';
import type { DeployerStatus } from '../../../deployer/contract/status-model.ts';
import type { QueueMessage } from '../../../deployer/domain/types.ts';
import { REGISTRY_HOST, serviceYaml } from '../../support/fakes/index.ts';
import { runtimeOverFakes, stopRuntimes } from '../../support/runtime-over-fakes.ts';
import { untilStatus } from '../../support/until-status.ts';

afterEach(stopRuntimes);

function setup(env: NodeJS.ProcessEnv = {}) {
  const world = runtimeOverFakes(env);
  const { v1, seededArn } = world.seedActors({ breakerRollback: false });
  const runtime = world.boot();
  return { ...world, runtime, v1, seededArn };
}

const until = untilStatus;

/** Two replicas over the same fakes, settled on 1.0.0, after the first suspended actors (a tag on the live revision). */
async function replicasAfterSuspend() {
  const world = setup();
  const a = world.runtime;
  const b = world.boot();
  await a.start();
  await b.start();
  // Each replica reports what it worked on; the startup reconciles may run on either.
  await expect.poll(() => world.ecs.servedDigest(), { timeout: 5_000 }).toBe(world.v1);
  await expect.poll(() => world.queue.messages.length).toBe(0);
  const live = world.ecs.primaryArn();
  a.suspend('actors');
  await expect.poll(() => world.ecs.revisions.get(live)?.tags['ecs-gitops:suspended']).toBe('SuspendedByApi');
  return { world, a, b, live };
}

const actors = (status: DeployerStatus) => status.services.find((s) => s.name === 'actors');

describe('createDeployerRuntime', () => {
  it('start loads the config, becomes ready and reconciles every service', async () => {
    const world = setup();
    expect(world.runtime.ready()).toBe(false);
    await world.runtime.start();
    expect(world.runtime.ready()).toBe(true);
    const status = await until(world.runtime, (s) => actors(s)?.sync.state === 'Synced');
    expect(status.config).toMatchObject({ revision: 'a'.repeat(40), errors: [] });
    expect(actors(status)?.live?.digest).toBe(world.v1);
    expect(world.queue.deleted.map((m) => m.kind)).toContain('reconcile');
  });

  it('an image push is routed to the services of its repository and rolled out', async () => {
    const world = setup();
    await world.runtime.start();
    await until(world.runtime, (s) => actors(s)?.sync.state === 'Synced');
    const v11 = world.registry.push('actors', '1.1.0');
    const push: QueueMessage = {
      kind: 'image-push',
      repository: 'actors',
      digest: v11,
      tag: '1.1.0',
      pushedAt: '',
    };
    expect(await world.runtime.enqueue(push, AbortSignal.timeout(1000))).toEqual({ queued: true });
    expect(await world.runtime.enqueue(push, AbortSignal.timeout(1000))).toEqual({ queued: false });
    const status = await until(world.runtime, (s) => actors(s)?.live?.digest === v11);
    expect(actors(status)?.sync.state).toBe('Synced');
    expect(await world.runtime.metrics.getSingleMetricAsString('ecs_gitops_events_total')).toContain(
      'ecs_gitops_events_total{source="ecr"} 1',
    );
  });

  it('an invalid config push keeps the previous config and shows file:line errors', async () => {
    const world = setup();
    await world.runtime.start();
    await until(world.runtime, (s) => actors(s)?.sync.state === 'Synced');
    world.configSource.commit('b'.repeat(40), [
      { path: 'services/actors.yaml', text: 'name: actors\ncluster: 7\n' },
    ]);
    await world.runtime.enqueue(
      { kind: 'git-push', deliveryId: 'd-1', after: 'b'.repeat(40) },
      AbortSignal.timeout(1000),
    );
    const status = await until(world.runtime, (s) => s.config.errors.length > 0);
    expect(status.config).toMatchObject({
      revision: 'a'.repeat(40),
      lastAppliedRevision: 'a'.repeat(40),
      lastAttemptedRevision: 'b'.repeat(40),
    });
    expect(status.config.errors[0]).toMatchObject({ file: 'services/actors.yaml', line: expect.any(Number) });
    expect(actors(status)).toBeDefined();
  });

  it('sync forgets failed digests and retries with force', async () => {
    const world = setup();
    world.ecs.behaviour = (arn) => (arn === world.seededArn ? 'complete' : 'fail');
    await world.runtime.start();
    await until(world.runtime, (s) => actors(s)?.sync.state === 'Failed');
    expect(actors(world.runtime.status())?.failedDigests).toHaveLength(1);
    world.ecs.behaviour = () => 'complete';
    await world.runtime.sync('actors', AbortSignal.timeout(1000));
    const status = await until(world.runtime, (s) => actors(s)?.sync.state === 'Synced');
    expect(actors(status)?.failedDigests).toEqual([]);
  });

  it('rollback returns to the previous revision and suspends tracking until resume', async () => {
    const world = setup();
    await world.runtime.start();
    await until(world.runtime, (s) => actors(s)?.sync.state === 'Synced');
    const v11 = world.registry.push('actors', '1.1.0');
    await world.runtime.enqueue(
      { kind: 'image-push', repository: 'actors', digest: v11, tag: '1.1.0', pushedAt: '' },
      AbortSignal.timeout(1000),
    );
    await until(world.runtime, (s) => actors(s)?.live?.digest === v11 && actors(s)?.sync.state === 'Synced');
    const firstArn = actors(world.runtime.status())?.recentRollouts[1]?.taskDefinitionArn;

    await world.runtime.rollback('actors', undefined, AbortSignal.timeout(1000));
    expect(world.ecs.primaryArn()).toBe(firstArn);
    const status = world.runtime.serviceStatus('actors');
    expect(status?.suspended).toBe(true);
    expect(status?.sync).toMatchObject({ state: 'Suspended', reason: 'ManualRollback' });
    expect(status?.recentRollouts[0]).toMatchObject({ result: 'RolledBack', reason: 'ManualRollback' });

    await world.runtime.resume('actors', AbortSignal.timeout(1000));
    await until(world.runtime, (s) => actors(s)?.live?.digest === v11 && actors(s)?.sync.state === 'Synced');
    expect(world.runtime.serviceStatus('actors')?.suspended).toBe(false);
  });

  it('rollback to a given revision number, and refusals that say what to fix', async () => {
    const world = setup();
    await world.runtime.start();
    await until(world.runtime, (s) => actors(s)?.sync.state === 'Synced');
    const signal = AbortSignal.timeout(1000);
    await expect(world.runtime.rollback('actors', world.ecs.primaryArn(), signal)).rejects.toMatchObject({
      httpStatus: 409,
      message: expect.stringContaining('already runs'),
    });
    expect(world.runtime.serviceStatus('actors')?.suspended).toBe(false);
    world.ecs.seed({ service: 'other', image: `${REGISTRY_HOST}/other:1` });
    const foreign = [...world.ecs.revisions.keys()].find((arn) => arn.includes('/other:')) as string;
    await expect(world.runtime.rollback('actors', foreign, signal)).rejects.toMatchObject({
      message: expect.stringContaining('belongs to family other'),
    });
    await world.runtime.rollback('actors', '1', signal);
    expect(world.ecs.primaryArn()).toBe(world.seededArn);
    expect(world.runtime.serviceStatus('actors')?.sync.message).toContain(world.seededArn);
  });

  it('suspend stops rollouts; unknown services are a 404 error', async () => {
    const world = setup();
    await world.runtime.start();
    await until(world.runtime, (s) => actors(s)?.sync.state === 'Synced');
    world.runtime.suspend('actors');
    expect(world.runtime.serviceStatus('actors')?.sync.reason).toBe('SuspendedByApi');
    expect(() => world.runtime.suspend('ghost')).toThrow(expect.objectContaining({ httpStatus: 404 }));
    await expect(world.runtime.sync('ghost', AbortSignal.timeout(1000))).rejects.toMatchObject({
      code: 'SERVICE_NOT_FOUND',
    });
  });

  it('a suspension survives a restart (tag on the live revision) until resume', async () => {
    const world = setup();
    await world.runtime.start();
    await until(world.runtime, (s) => actors(s)?.sync.state === 'Synced');
    world.runtime.suspend('actors');
    const live = world.ecs.primaryArn();
    await expect
      .poll(() => world.ecs.revisions.get(live)?.tags['ecs-gitops:suspended'])
      .toBe('SuspendedByApi');
    await world.runtime.stop();

    const restarted = world.boot();
    const v11 = world.registry.push('actors', '1.1.0');
    await restarted.start();
    await until(restarted, (s) => actors(s)?.lastReconciledAt !== null);
    expect(restarted.serviceStatus('actors')).toMatchObject({
      suspended: true,
      sync: { state: 'Suspended', reason: 'SuspendedByApi' },
    });
    expect(world.ecs.primaryArn()).toBe(live);

    await restarted.resume('actors', AbortSignal.timeout(1000));
    expect(world.ecs.revisions.get(live)?.tags['ecs-gitops:suspended']).toBe('resumed');
    await until(restarted, (s) => actors(s)?.live?.digest === v11 && actors(s)?.sync.state === 'Synced');
  });

  it('replicas share suspensions through ECS: suspended on one, held by both, resumed on the other', async () => {
    const { world, a, b, live } = await replicasAfterSuspend();

    const v11 = world.registry.push('actors', '1.1.0');
    const push: QueueMessage = {
      kind: 'image-push',
      repository: 'actors',
      digest: v11,
      tag: '1.1.0',
      pushedAt: '',
    };
    await b.enqueue(push, AbortSignal.timeout(1000));
    await expect.poll(() => world.queue.messages.length).toBe(0);
    expect(world.ecs.primaryArn()).toBe(live);

    await b.resume('actors', AbortSignal.timeout(1000));
    await a.enqueue({ kind: 'resync', reason: 'after resume' }, AbortSignal.timeout(1000));
    await expect.poll(() => world.ecs.servedDigest(), { timeout: 5_000 }).toBe(v11);
  });

  it('a refused rollback leaves the service as it was', async () => {
    const world = setup();
    await world.runtime.start();
    await until(world.runtime, (s) => actors(s)?.sync.state === 'Synced');
    await expect(world.runtime.rollback('actors', '99', AbortSignal.timeout(1000))).rejects.toThrow();
    expect(world.runtime.serviceStatus('actors')).toMatchObject({
      suspended: false,
      sync: { state: 'Synced' },
    });
  });

  it('subscribe is told about status changes', async () => {
    const world = setup();
    const seen: string[] = [];
    const unsubscribe = world.runtime.subscribe((s) => seen.push(actors(s)?.sync.state ?? 'none'));
    await world.runtime.start();
    await until(world.runtime, (s) => actors(s)?.sync.state === 'Synced');
    await world.queue.idle(20); // nothing more to tell once the queue has drained
    unsubscribe();
    expect(seen).toContain('Progressing');
    expect(seen.at(-1)).toBe('Synced');
  });

  it('start with an unreachable config source is not ready until the source answers', async () => {
    const world = setup();
    world.configSource.fail = new Error('git: connection refused');
    await world.runtime.start();
    expect(world.runtime.ready()).toBe(false);
    world.configSource.fail = undefined;
    await until(world.runtime, (s) => actors(s)?.sync.state === 'Synced');
    expect(world.runtime.ready()).toBe(true);
  });

  it('stop releases the runtime: not ready, consumer stopped', async () => {
    const world = setup();
    await world.runtime.start();
    await world.runtime.stop();
    expect(world.runtime.ready()).toBe(false);
  });
});

describe('resume', () => {
  it('of a service that is not suspended is refused (NOT_SUSPENDED, 409): no tag written, nothing queued', async () => {
    const world = setup();
    await world.runtime.start();
    await until(world.runtime, (s) => actors(s)?.sync.state === 'Synced');
    await world.queue.idle(20);
    const live = world.ecs.primaryArn();
    const sent = world.queue.messages.length + world.queue.deleted.length;
    await expect(world.runtime.resume('actors', AbortSignal.timeout(1000))).rejects.toMatchObject({
      code: 'NOT_SUSPENDED',
      httpStatus: 409,
      message: 'actors is not suspended, so there is nothing to resume (a sync reconciles it now)',
    });
    expect(world.ecs.revisions.get(live)?.tags['ecs-gitops:suspended']).toBeUndefined();
    expect(world.queue.messages.length + world.queue.deleted.length).toBe(sent);
  });

  it('of a service suspended only by its config names the file to change', async () => {
    const world = setup();
    world.configSource.commit('b'.repeat(40), [
      { ...serviceYaml({ suspended: true }), path: 'services/actors.yaml' },
    ]);
    await world.runtime.start();
    await until(world.runtime, (s) => actors(s)?.sync.state === 'Suspended');
    await expect(world.runtime.resume('actors', AbortSignal.timeout(1000))).rejects.toMatchObject({
      code: 'NOT_SUSPENDED',
      message: expect.stringMatching(
        /^actors is suspended by its config \(suspended: true in .*services\/actors\.yaml\), which resume does not lift/,
      ),
    });
  });

  it('lifts a suspension another replica made, read from the live revision before this one has seen it', async () => {
    const { world, b, live } = await replicasAfterSuspend();
    // No reconcile ran on b since: its status does not show the suspension, ECS does.
    expect(b.serviceStatus('actors')?.suspended).toBe(false);
    await b.resume('actors', AbortSignal.timeout(1000));
    expect(world.ecs.revisions.get(live)?.tags['ecs-gitops:suspended']).toBe('resumed');
  });
});
