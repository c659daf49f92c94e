import { describe, expect, it } from 'vitest';
import {
  REVISION_TAG_KEYS,
  type RevisionTagsPatch,
  readRevisionTags,
  revisionTags,
  TRIGGER_TAG_KEYS,
} from '../../../deployer/domain/revision-tags.ts';
import type { RolloutTrigger } from '../../../deployer/domain/rollout-trigger.ts';
import { isValidTag, TAGS_PER_RESOURCE_MAX } from '../../../deployer/domain/tag-text.ts';

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
      failureMessage: 'ecs-gitops:failure-message',
      previousArn: 'ecs-gitops:previous-task-definition',
      invalidation: 'ecs-gitops:cdn-invalidation',
      suspended: 'ecs-gitops:suspended',
      imageTag: 'ecs-gitops:image-tag',
      approval: 'ecs-gitops:approval',
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
      failureMessage: 'analysis failed: alarm "actors-5xx" in ALARM; rolled back to actors:3',
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

describe('trigger tags', () => {
  it('uses the agreed ecs-gitops:trigger* tag keys', () => {
    expect(Object.values(TRIGGER_TAG_KEYS)).toEqual([
      'ecs-gitops:trigger',
      'ecs-gitops:trigger-commit',
      'ecs-gitops:trigger-author',
      'ecs-gitops:trigger-message',
      'ecs-gitops:trigger-repository',
      'ecs-gitops:trigger-tag',
      'ecs-gitops:trigger-token',
    ]);
  });

  const trigger: RolloutTrigger = {
    kind: 'git-push',
    commit: 'a'.repeat(40),
    author: "Ada O'Brien-Lovelace",
    message: 'Pin actors to 1.0.0, "hotfix" 🚀',
  };

  it('a trigger reads back as written, punctuation and emoji included', () => {
    expect(readRevisionTags(revisionTags({ trigger })).trigger).toEqual(trigger);
  });

  it('a later trigger clears the fields of the earlier one (tags merge on a revision)', () => {
    const merged = {
      ...revisionTags({ trigger }),
      ...revisionTags({ trigger: { kind: 'manual-sync', token: 'ci' } }),
    };
    expect(readRevisionTags(merged).trigger).toEqual({ kind: 'manual-sync', token: 'ci' });
  });

  it('an unknown trigger kind (a newer deployer) reads as no trigger', () => {
    expect(readRevisionTags({ [TRIGGER_TAG_KEYS.kind]: 'carrier-pigeon' }).trigger).toBeUndefined();
  });

  it('a manual rollback to a revision reads back with who and from where', () => {
    const restored = {
      at: '2026-01-01T00:00:00.000Z',
      by: 'ci',
      from: 'arn:aws:ecs:r:1:task-definition/a:2',
    };
    expect(readRevisionTags(revisionTags({ restored })).restored).toEqual(restored);
  });

  it('the largest record it writes stays within the ECS tag limits (50 tags, 128/256 characters, pattern)', () => {
    const long = `aws: ${'é,'.repeat(400)}`;
    const everything = {
      ...revisionTags({
        rolloutId: 'r'.repeat(100),
        configRevision: 'c'.repeat(64),
        digest: `sha256:${'d'.repeat(64)}`,
        service: 's'.repeat(100),
        result: 'RolledBack',
        reason: 'VerifyWrongVersion',
        startedAt: '2026-01-01T00:00:00.000Z',
        finishedAt: '2026-01-01T00:00:00.000Z',
        previousArn: `arn:aws:ecs:eu-west-1:123456789012:task-definition/${'f'.repeat(200)}:1`,
        invalidation: 'Pending',
        suspended: 'ManualRollback',
        imageTag: long,
        failureMessage: long,
        trigger: {
          kind: 'git-push',
          commit: long,
          author: long,
          message: long,
          repository: long,
          tag: long,
          token: long,
        },
        restored: { at: '2026-01-01T00:00:00.000Z', by: long, from: 'arn:aws:ecs:r:1:task-definition/a:2' },
      }),
    };
    const tags = Object.entries(everything);
    // Room is left for the tags a team puts on its task definitions itself.
    expect(tags.length).toBeLessThanOrEqual(TAGS_PER_RESOURCE_MAX - 25);
    for (const [key, value] of tags) expect(isValidTag(key, value), `${key}=${value}`).toBe(true);
  });
});
