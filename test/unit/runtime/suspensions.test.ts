import { describe, expect, it } from 'vitest';
import { DeployerError } from '../../../deployer/domain/errors.ts';
import { REVISION_TAG_KEYS, readRevisionTags } from '../../../deployer/domain/revision-tags.ts';
import { suspensionOf } from '../../../deployer/domain/suspension.ts';
import { createMetrics } from '../../../deployer/runtime/metrics.ts';
import { manualRollback } from '../../../deployer/runtime/rollback-service.ts';
import { Suspensions } from '../../../deployer/runtime/suspensions.ts';
import { actorsServiceConfig, REGISTRY_HOST, silentLogger } from '../../support/fakes/index.ts';
import { ecsAndStore } from '../../support/runtime-over-fakes.ts';

const SUSPENDED_TAG = REVISION_TAG_KEYS.suspended;
const suspensionFromTags = (tags: Record<string, string>, arn: string) =>
  suspensionOf(readRevisionTags(tags), arn);

const config = actorsServiceConfig({ rollout: { timeoutSeconds: 60, rollback: true } });

function setup() {
  const { clock, ecs, store } = ecsAndStore();
  const live = ecs.seed({ service: 'actors', image: `${REGISTRY_HOST}/actors:1.0.0` });
  const suspensions = new Suspensions({
    ecs,
    store,
    metrics: createMetrics({ defaultMetrics: false }),
    logger: silentLogger,
  });
  return { clock, ecs, live, store, suspensions };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('suspensionFromTags', () => {
  it.each([
    [{}, undefined],
    [{ [SUSPENDED_TAG]: 'resumed' }, undefined],
    [{ [SUSPENDED_TAG]: 'SuspendedByApi' }, 'SuspendedByApi'],
    [{ [SUSPENDED_TAG]: 'ManualRollback' }, 'ManualRollback'],
    [{ [SUSPENDED_TAG]: 'something else' }, 'SuspendedByApi'],
  ])('suspensionFromTags(%j) has reason %s', (tags, reason) => {
    expect(suspensionFromTags(tags, 'arn:td/actors:3')?.reason).toBe(reason);
  });

  it('suspensionFromTags names the revision a manual rollback went to', () => {
    expect(suspensionFromTags({ [SUSPENDED_TAG]: 'ManualRollback' }, 'arn:td/actors:3')?.message).toContain(
      'arn:td/actors:3',
    );
  });
});

describe('Suspensions', () => {
  it('suspend shows Suspended at once, tags the live revision, then lets the tag speak', async () => {
    const { ecs, live, store, suspensions } = setup();
    suspensions.suspend(config, 'SuspendedByApi');
    expect(suspensions.get('actors')?.reason).toBe('SuspendedByApi');
    expect(store.service('actors')).toMatchObject({ suspended: true, sync: { state: 'Suspended' } });
    await settle();
    expect(ecs.revisions.get(live)?.tags[SUSPENDED_TAG]).toBe('SuspendedByApi');
    expect(suspensions.get('actors')).toBeUndefined();
  });

  it('suspend keeps the suspension in memory when the tag cannot be written', async () => {
    const { ecs, suspensions } = setup();
    ecs.failNext = {
      method: 'tagResource',
      error: new DeployerError('AWS_UNAVAILABLE', 'down'),
    };
    suspensions.suspend(config, 'SuspendedByApi');
    await settle();
    expect(suspensions.get('actors')?.reason).toBe('SuspendedByApi');
  });

  it('resume that cannot write the tag fails and changes nothing', async () => {
    const { ecs, live, store, suspensions } = setup();
    suspensions.suspend(config, 'SuspendedByApi');
    await settle();
    ecs.failNext = {
      method: 'tagResource',
      error: new DeployerError('AWS_UNAVAILABLE', 'down'),
    };
    await expect(suspensions.resume(config, AbortSignal.timeout(1000))).rejects.toThrow('down');
    expect(ecs.revisions.get(live)?.tags[SUSPENDED_TAG]).toBe('SuspendedByApi');
    expect(store.service('actors')?.suspended).toBe(true);
    await suspensions.resume(config, AbortSignal.timeout(1000));
    expect(ecs.revisions.get(live)?.tags[SUSPENDED_TAG]).toBe('resumed');
    expect(store.service('actors')?.suspended).toBe(false);
  });
});

describe('manualRollback', () => {
  it('manualRollback without a target and without history says what to pass', async () => {
    const { ecs, store, clock } = setup();
    await expect(
      manualRollback({ ecs, store, clock, logger: silentLogger }, config, {}, AbortSignal.timeout(1000)),
    ).rejects.toMatchObject({ httpStatus: 409, message: expect.stringContaining('--to <family:revision>') });
    expect(ecs.calls.update).toEqual([]);
  });
});
