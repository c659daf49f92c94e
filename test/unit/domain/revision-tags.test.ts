import { describe, expect, it } from 'vitest';
import {
  REVISION_TAG_KEYS,
  type RevisionTagsPatch,
  readRevisionTags,
  revisionTags,
} from '../../../deployer/domain/revision-tags.ts';

const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('revisionTags', () => {
  it('revisionTags names every value with its REVISION_TAG_KEYS key', () => {
    expect(
      revisionTags({ rolloutId: 'ro-1', configRevision: 'abc', digest: DIGEST, service: 'actors' }),
    ).toEqual({
      [REVISION_TAG_KEYS.rolloutId]: 'ro-1',
      [REVISION_TAG_KEYS.configRevision]: 'abc',
      [REVISION_TAG_KEYS.digest]: DIGEST,
      [REVISION_TAG_KEYS.service]: 'actors',
    });
  });

  it('uses the agreed ecs-gitops: tag keys, which revisions already in ECS carry', () => {
    expect(REVISION_TAG_KEYS).toEqual({
      rolloutId: 'ecs-gitops:rollout-id',
      configRevision: 'ecs-gitops:config-revision',
      digest: 'ecs-gitops:digest',
      service: 'ecs-gitops:service',
      result: 'ecs-gitops:result',
      reason: 'ecs-gitops:reason',
      startedAt: 'ecs-gitops:started-at',
      finishedAt: 'ecs-gitops:finished-at',
      previousArn: 'ecs-gitops:previous-task-definition',
      invalidation: 'ecs-gitops:cdn-invalidation',
      suspended: 'ecs-gitops:suspended',
      imageTag: 'ecs-gitops:image-tag',
    });
  });

  it('readRevisionTags reads back what revisionTags wrote', () => {
    const record: RevisionTagsPatch = {
      rolloutId: 'ro-1',
      configRevision: 'abc',
      digest: DIGEST,
      service: 'actors',
      result: 'RolledBack',
      reason: 'VerifyTimeout',
      startedAt: '2026-01-01T00:00:00.000Z',
      finishedAt: '2026-01-01T00:01:00.000Z',
      previousArn: 'arn:aws:ecs:eu-west-1:1:task-definition/actors:3',
      invalidation: 'Pending',
      suspended: 'ManualRollback',
    };
    expect(readRevisionTags(revisionTags(record))).toEqual(record);
  });
});

describe('readRevisionTags', () => {
  it.each([
    [{}, {}],
    [{ Name: 'by CDK' }, {}],
    [{ [REVISION_TAG_KEYS.result]: 'Exploded' }, {}],
    [{ [REVISION_TAG_KEYS.result]: 'InProgress' }, { result: 'InProgress' }],
    [{ [REVISION_TAG_KEYS.rolloutId]: '' }, {}],
    [{ [REVISION_TAG_KEYS.suspended]: 'resumed' }, {}],
    [{ [REVISION_TAG_KEYS.suspended]: 'SuspendedByApi' }, { suspended: 'SuspendedByApi' }],
    // A value a newer version wrote still suspends: stopping is the safe reading.
    [{ [REVISION_TAG_KEYS.suspended]: 'FrozenByOps' }, { suspended: 'SuspendedByApi' }],
    [{ [REVISION_TAG_KEYS.invalidation]: 'Done' }, { invalidation: 'Done' }],
    [{ [REVISION_TAG_KEYS.invalidation]: 'Maybe' }, {}],
  ])('readRevisionTags(%j) is %j', (tags, record) => {
    expect(readRevisionTags(tags)).toEqual(record);
  });
});
