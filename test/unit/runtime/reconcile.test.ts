import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { REVISION_TAG_KEYS } from '../../../deployer/domain/revision-tags.ts';
import type { EcsPort } from '../../../deployer/ports.ts';
import { rebuildStatus } from '../../../deployer/runtime/rebuild-status.ts';
import { actorsServiceConfig, REGISTRY_HOST, serviceYaml, silentLogger } from '../../support/fakes/index.ts';
import { fakeWorld, transient } from './harness.ts';

const tagsOf = (world: ReturnType<typeof fakeWorld>, arn: string) => world.ecs.revisions.get(arn)?.tags ?? {};

describe('Reconciler.reconcile', () => {
  it('reconcile rolls out the chosen digest: register, update, wait, verify, invalidate, Synced', async () => {
    const world = fakeWorld();
    const v11 = world.registry.push('actors', '1.1.0');
    await world.reconcile();

    const arn = world.ecs.primaryArn();
    expect(world.ecs.calls.register).toBe(1);
    expect(world.ecs.calls.update).toEqual([arn]);
    const td = world.ecs.revisions.get(arn)?.taskDefinition;
    expect(td?.containerDefinitions[0]?.image).toBe(`${REGISTRY_HOST}/actors@${v11}`);
    const tags = tagsOf(world, arn);
    expect(tags[REVISION_TAG_KEYS.digest]).toBe(v11);
    expect(tags[REVISION_TAG_KEYS.configRevision]).toBe('rev-1');
    expect(tags[REVISION_TAG_KEYS.result]).toBe('Succeeded');
    expect(tags[REVISION_TAG_KEYS.previousArn]).toBe(world.seededArn);
    expect([...world.cdn.byReference.keys()]).toEqual([tags[REVISION_TAG_KEYS.rolloutId]]);
    expect(world.probe.urls.length).toBeGreaterThanOrEqual(2);

    const status = world.store.service('actors');
    expect(status?.sync).toMatchObject({ state: 'Synced', reason: 'RolloutSucceeded' });
    expect(status?.live).toEqual({
      image: `${REGISTRY_HOST}/actors@${v11}`,
      digest: v11,
      tag: '1.1.0',
      taskDefinitionArn: arn,
    });
    expect(status?.desired).toMatchObject({ digest: v11, tag: '1.1.0', policy: { semver: '^1.0.0' } });
    expect(status?.currentRollout).toBeNull();
    expect(status?.recentRollouts[0]).toMatchObject({
      result: 'Succeeded',
      reason: 'RolloutSucceeded',
      configRevision: 'rev-1',
      taskDefinitionArn: arn,
      from: { taskDefinitionArn: world.seededArn, image: `${REGISTRY_HOST}/actors:1.0.0` },
      to: { digest: v11, tag: '1.1.0' },
    });
    expect(status?.events.length).toBeGreaterThan(0);
    const metrics = await world.metrics.registry.getSingleMetricAsString('ecs_gitops_rollouts_total');
    expect(metrics).toContain('ecs_gitops_rollouts_total{service="actors",result="Succeeded"} 1');
  });

  it('reconcile twice over the same world registers once and invalidates once', async () => {
    const world = fakeWorld();
    world.registry.push('actors', '1.1.0');
    await world.reconcile();
    await world.reconcile();
    expect(world.ecs.calls.register).toBe(1);
    expect(world.ecs.calls.update).toHaveLength(1);
    expect(world.cdn.creates).toBe(1);
    expect(world.store.service('actors')?.sync).toMatchObject({ state: 'Synced', reason: 'UpToDate' });
    expect(world.registry.uriLookups).toBe(1);
  });

  it('reconcile of the seeded tag reference rolls out 1.0.0 by digest', async () => {
    const world = fakeWorld();
    await world.reconcile();
    expect(world.store.service('actors')?.live?.digest).toBe(world.v1);
    expect(world.ecs.calls.register).toBe(1);
  });

  // A crash at each step: the message comes back and the same reconcile runs again.
  it.each<[string, keyof EcsPort | 'cdn', number]>([
    ['before registering', 'registerTaskDefinition', 0],
    ['after registering, before updating', 'updateService', 0],
    ['while waiting', 'describeService', 2],
    ['after waiting, at invalidation', 'cdn', 0],
    ['after invalidating, before recording the result', 'tagResource', 0],
  ])(
    'reconcile after a crash %s converges with one revision and one invalidation',
    async (_, method, skip) => {
      const world = fakeWorld();
      const v11 = world.registry.push('actors', '1.1.0');
      if (method === 'cdn') {
        const create = world.cdn.createInvalidation.bind(world.cdn);
        let failed = false;
        world.cdn.createInvalidation = async (...args) => {
          const result = await create(...args);
          if (!failed) {
            failed = true;
            throw transient();
          }
          return result;
        };
      } else {
        world.ecs.failNext = { method, error: transient(), skip };
      }
      await expect(world.reconcile()).rejects.toThrow('simulated crash');
      expect(world.store.service('actors')?.sync.message).toContain('(retrying)');
      await world.reconcile();

      expect(world.ecs.calls.register).toBe(1);
      expect(world.ecs.calls.update).toHaveLength(1);
      expect(world.cdn.byReference.size).toBe(1);
      expect(world.ecs.servedDigest()).toBe(v11);
      expect(tagsOf(world, world.ecs.primaryArn())[REVISION_TAG_KEYS.result]).toBe('Succeeded');
      expect(world.store.service('actors')?.sync.state).toBe('Synced');
    },
  );

  it('reconcile after a restart mid-rollout resumes at wait in a fresh runtime', async () => {
    const world = fakeWorld();
    world.registry.push('actors', '1.1.0');
    world.ecs.failNext = { method: 'describeService', error: transient(), skip: 2 };
    await expect(world.reconcile()).rejects.toThrow();
    const { reconciler, store } = world.restart();
    await reconciler.reconcile('actors', { reason: 'restart' }, world.signal);
    expect(world.ecs.calls.register).toBe(1);
    expect(world.cdn.byReference.size).toBe(1);
    expect(store.service('actors')?.recentRollouts[0]?.result).toBe('Succeeded');
  });

  it('reconcile rolls back when ECS fails the deployment, records the failure and blocks the digest', async () => {
    const world = fakeWorld();
    await world.reconcile(); // 1.0.0 by digest
    const good = world.ecs.primaryArn();
    const broken = world.registry.push('actors', '1.2.0');
    world.ecs.behaviour = (arn) =>
      tagsOf(world, arn)[REVISION_TAG_KEYS.digest] === broken ? 'fail' : 'complete';
    await world.reconcile();

    const status = world.store.service('actors');
    expect(status?.sync).toMatchObject({ state: 'Failed', reason: 'DeploymentFailed' });
    expect(status?.sync.message).toContain('circuit breaker');
    // ECS's reason and ours read as one sentence: "...failed to start; rolled back to ...".
    expect(status?.sync.message).toMatch(/tasks failed to start; rolled back to /);
    expect(status?.recentRollouts[0]).toMatchObject({ result: 'RolledBack', reason: 'DeploymentFailed' });
    expect(status?.failedDigests.map((f) => f.digest)).toEqual([broken]);
    expect(world.ecs.primaryArn()).toBe(good);
    expect(world.cdn.byReference.size).toBe(1); // only the first, good rollout
    const failedArn = status?.recentRollouts[0]?.taskDefinitionArn as string;
    expect(tagsOf(world, failedArn)).toMatchObject({
      [REVISION_TAG_KEYS.result]: 'RolledBack',
      [REVISION_TAG_KEYS.reason]: 'DeploymentFailed',
    });

    const registrations = world.ecs.calls.register;
    await world.reconcile();
    expect(world.ecs.calls.register).toBe(registrations);
    expect(world.store.service('actors')?.sync).toMatchObject({ state: 'Failed', reason: 'DigestBlocked' });
  });

  it('reconcile rolls back itself when ECS did not (no circuit breaker rollback)', async () => {
    const world = fakeWorld({ breakerRollback: false });
    world.ecs.behaviour = (arn) => (arn === world.seededArn ? 'complete' : 'fail');
    await world.reconcile();
    const [forward, back] = world.ecs.calls.update;
    expect(back).toBe(world.seededArn);
    expect(forward).not.toBe(world.seededArn);
    expect(world.store.service('actors')?.recentRollouts[0]?.result).toBe('RolledBack');
  });

  it.each([
    ['VerifyWrongVersion', () => ({ status: 200, body: { digest: 'sha256:0000' } })],
    ['VerifyTimeout', () => ({ status: 503, body: undefined })],
  ] as const)('reconcile fails verification with %s and rolls back', async (reason, answer) => {
    const world = fakeWorld({ breakerRollback: false });
    world.probe.answer = answer;
    await world.reconcile();
    const status = world.store.service('actors');
    expect(status?.sync).toMatchObject({ state: 'Failed', reason });
    expect(world.ecs.primaryArn()).toBe(world.seededArn);
    expect(world.cdn.creates).toBe(0);
  });

  it('reconcile reports RolloutTimeout when the deployment never finishes', async () => {
    const world = fakeWorld({ breakerRollback: false });
    world.ecs.behaviour = (arn) => (arn === world.seededArn ? 'complete' : 'hang');
    await world.reconcile();
    expect(world.store.service('actors')?.sync).toMatchObject({ state: 'Failed', reason: 'RolloutTimeout' });
    expect(world.ecs.primaryArn()).toBe(world.seededArn);
  });

  it('reconcile without rollback leaves the failed revision and reports Degraded, also on the next pass', async () => {
    const world = fakeWorld({ files: [serviceYaml({ rollback: false })], breakerRollback: false });
    world.ecs.behaviour = (arn) => (arn === world.seededArn ? 'complete' : 'fail');
    await world.reconcile();
    expect(world.store.service('actors')?.sync).toMatchObject({
      state: 'Degraded',
      reason: 'DeploymentFailed',
    });
    expect(world.ecs.calls.update).toHaveLength(1);
    await world.reconcile();
    expect(world.store.service('actors')?.sync).toMatchObject({
      state: 'Degraded',
      reason: 'DeploymentFailed',
    });
    expect(world.ecs.calls.update).toHaveLength(1);
  });

  it('reconcile with force retries a failed digest, reusing its revision', async () => {
    const world = fakeWorld({ breakerRollback: false });
    world.ecs.behaviour = (arn) => (arn === world.seededArn ? 'complete' : 'fail');
    await world.reconcile();
    world.ecs.behaviour = () => 'complete';
    await world.reconcile();
    expect(world.store.service('actors')?.sync.reason).toBe('DigestBlocked');
    await world.reconcile({ force: true });
    expect(world.ecs.calls.register).toBe(1);
    expect(world.store.service('actors')?.sync).toMatchObject({
      state: 'Synced',
      reason: 'RolloutSucceeded',
    });
    expect(world.store.service('actors')?.failedDigests).toEqual([]);
  });

  it('reconcile resumes a forced retry that a crash interrupted, not mistaking it for the old failure', async () => {
    const world = fakeWorld({ breakerRollback: false });
    world.ecs.behaviour = (arn) => (arn === world.seededArn ? 'complete' : 'fail');
    await world.reconcile();
    world.ecs.behaviour = () => 'complete';
    world.ecs.failNext = { method: 'describeService', error: transient(), skip: 2 }; // first wait poll
    await expect(world.reconcile({ force: true })).rejects.toThrow('simulated crash');
    expect(tagsOf(world, world.ecs.primaryArn())[REVISION_TAG_KEYS.result]).toBe('InProgress');
    await world.reconcile();
    expect(world.ecs.calls.register).toBe(1);
    expect(world.cdn.byReference.size).toBe(1);
    expect(world.store.service('actors')?.sync).toMatchObject({
      state: 'Synced',
      reason: 'RolloutSucceeded',
    });
  });

  it('reconcile resumes a rollback that a crash interrupted', async () => {
    const world = fakeWorld({ breakerRollback: false });
    world.ecs.behaviour = (arn) => (arn === world.seededArn ? 'complete' : 'fail');
    world.ecs.failNext = { method: 'updateService', error: transient(), skip: 1 }; // the rollback's update
    await expect(world.reconcile()).rejects.toThrow('simulated crash');
    const { reconciler, store } = world.restart();
    await rebuildStatus({ ecs: world.ecs, store, logger: silentLogger }, [], world.signal);
    await reconciler.reconcile('actors', { reason: 'redelivered' }, world.signal);
    expect(world.ecs.primaryArn()).toBe(world.seededArn);
    expect(store.service('actors')?.sync.state).toBe('Failed');
    expect(store.service('actors')?.live).toEqual({
      image: `${REGISTRY_HOST}/actors:1.0.0`,
      taskDefinitionArn: world.seededArn,
    });
    expect(world.ecs.calls.register).toBe(1);
  });

  it('failed digests survive a restart: the reconcile after it reads them from revision tags', async () => {
    const world = fakeWorld({ breakerRollback: false });
    world.ecs.behaviour = (arn) => (arn === world.seededArn ? 'complete' : 'fail');
    await world.reconcile();
    const { reconciler, store } = world.restart();
    await rebuildStatus(
      { ecs: world.ecs, store, logger: silentLogger },
      [
        actorsServiceConfig({
          image: { repository: 'actors', track: { semver: '^1.0.0' } },
          rollout: { timeoutSeconds: 120, rollback: true },
        }),
      ],
      world.signal,
    );
    // The rebuild reads live revisions only (the history is lazy): the rolled-back one is not live.
    expect(store.service('actors')?.failedDigests).toEqual([]);
    await reconciler.reconcile('actors', { reason: 'after restart' }, world.signal);
    expect(world.ecs.calls.register).toBe(1);
    expect(store.service('actors')?.sync.reason).toBe('DigestBlocked');
    expect(store.service('actors')?.failedDigests.map((f) => f.digest)).toEqual([world.v1]);
  });

  it('another replica (its own memory, no rebuild) does not retry a digest that failed: ECS tags say so', async () => {
    const world = fakeWorld({ breakerRollback: false });
    world.ecs.behaviour = (arn) => (arn === world.seededArn ? 'complete' : 'fail');
    await world.reconcile();
    const other = world.restart();
    await other.reconciler.reconcile('actors', { reason: 'image push' }, world.signal);
    expect(world.ecs.calls.register).toBe(1);
    expect(world.ecs.calls.update).toHaveLength(2); // the rollout and its rollback, nothing more
    expect(other.store.service('actors')?.sync).toMatchObject({ state: 'Failed', reason: 'DigestBlocked' });
    expect(other.store.service('actors')?.failedDigests.map((f) => f.digest)).toEqual([world.v1]);

    await other.reconciler.reconcile('actors', { reason: 'manual sync', force: true }, world.signal);
    expect(world.ecs.calls.update).toHaveLength(4); // forced: tried again (and rolled back again)
  });

  it('reconcile of a service suspended in config does nothing and says Suspended', async () => {
    const world = fakeWorld({ files: [serviceYaml({ suspended: true })] });
    await world.reconcile();
    expect(world.ecs.calls.register).toBe(0);
    expect(world.store.service('actors')?.sync).toMatchObject({ state: 'Suspended', reason: 'Suspended' });
  });

  it('reconcile of a service suspended at runtime reports the suspension reason', async () => {
    const world = fakeWorld();
    world.suspensions.set('actors', { reason: 'SuspendedByApi', message: 'suspended by API' });
    await world.reconcile();
    expect(world.ecs.calls.register).toBe(0);
    expect(world.store.service('actors')?.sync).toMatchObject({
      state: 'Suspended',
      reason: 'SuspendedByApi',
    });
  });

  it('reconcile reports NoMatchingImage when the pinned tag is missing', async () => {
    const world = fakeWorld({ files: [serviceYaml({ pin: '9.9.9' })] });
    await world.reconcile();
    expect(world.ecs.calls.register).toBe(0);
    expect(world.store.service('actors')?.sync).toMatchObject({ state: 'Failed', reason: 'NoMatchingImage' });
  });

  it('reconcile with a container the task definition lacks fails terminally with a fix-it message', async () => {
    const world = fakeWorld();
    const seeded = world.ecs.revisions.get(world.seededArn);
    if (seeded) seeded.taskDefinition.containerDefinitions[0] = { name: 'web', image: 'x' };
    const error = await world.reconcile().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'TASK_DEFINITION_INVALID', retryable: false });
    expect(world.store.service('actors')?.sync).toMatchObject({
      state: 'Failed',
      reason: 'TaskDefinitionInvalid',
    });
    expect(world.store.service('actors')?.sync.message).toContain('fix `container` in services/actors.yaml');
  });

  it('reconcile of a service not in the config in force does nothing', async () => {
    const world = fakeWorld();
    await world.reconciler.reconcile('ghost', { reason: 'test' }, world.signal);
    expect(world.store.service('ghost')).toBeUndefined();
  });

  it('reconcile of a service removed from config while it ran does not bring its status back', async () => {
    const world = fakeWorld();
    world.store.retainServices(['actors']);
    const answer = world.probe.answer;
    world.probe.answer = (url) => {
      world.setConfig([serviceYaml({ name: 'web' })], 'rev-2');
      world.store.retainServices(['web']);
      return answer(url);
    };
    await world.reconcile();
    expect(world.store.names()).toEqual(['web']);
  });

  it('reconcile follows a pin back to an older version', async () => {
    const world = fakeWorld();
    world.registry.push('actors', '1.1.0');
    await world.reconcile();
    world.setConfig([serviceYaml({ pin: '1.0.0' })], 'rev-2');
    await world.reconcile();
    expect(world.ecs.servedDigest()).toBe(world.v1);
    expect(world.store.service('actors')?.desired?.policy).toEqual({ pin: '1.0.0' });
  });
});

describe('Reconciler logs', () => {
  function capture() {
    const lines: Record<string, unknown>[] = [];
    const stream = new Writable({
      write(chunk, _encoding, callback) {
        for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        callback();
      },
    });
    return { logger: pino({ level: 'info', base: null, timestamp: false }, stream), lines };
  }

  it('a rollout logs one line per step with service and rollout id, and a finish line with the duration', async () => {
    const { logger, lines } = capture();
    const world = fakeWorld({ logger });
    const v11 = world.registry.push('actors', '1.1.0');
    await world.reconcile();
    await new Promise((resolve) => setImmediate(resolve));
    const rolloutId = tagsOf(world, world.ecs.primaryArn())[REVISION_TAG_KEYS.rolloutId];
    const arn = world.ecs.primaryArn();
    const ours = lines.filter((l) => l.rolloutId === rolloutId);
    expect(ours.filter((l) => l.msg === 'ECS service event').map((l) => l.ecsEvent)).toEqual([
      `(service actors) has started a deployment of ${arn}.`,
      '(service actors) has reached a steady state.',
    ]);
    const messages = ours.filter((l) => l.msg !== 'ECS service event').map((l) => l.msg);
    expect(messages).toEqual([
      'task definition registered',
      'service updated',
      'verified',
      'CDN invalidation created',
      'rollout finished',
    ]);
    expect(lines.find((l) => l.msg === 'rollout finished')).toEqual({
      level: 30,
      service: 'actors',
      rolloutId,
      digest: v11,
      durationMs: expect.any(Number),
      msg: 'rollout finished',
    });
    expect(lines.find((l) => l.msg === 'task definition registered')).toEqual({
      level: 30,
      service: 'actors',
      rolloutId,
      taskDefinitionArn: arn,
      msg: 'task definition registered',
    });
    expect(lines.find((l) => l.msg === 'planned')).toMatchObject({
      service: 'actors',
      plan: 'rollout',
      why: 'test',
    });
  });

  it('a failed rollout logs the reason at warn level', async () => {
    const { logger, lines } = capture();
    const world = fakeWorld({ logger, breakerRollback: false });
    world.probe.answer = () => ({ status: 503, body: undefined });
    await world.reconcile();
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines.find((l) => l.msg === 'rollout did not succeed')).toMatchObject({
      level: 40,
      service: 'actors',
      result: 'RolledBack',
      reason: 'VerifyTimeout',
    });
  });
});
