import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type EcrEventOutcome, parseEcrEvent } from '../../../../deployer/domain/events/ecr-event.ts';
import { decodeQueueBody } from '../../../../deployer/domain/events/queue-body.ts';
import { imagePushEvent } from '../../../../local/ecr/image-event.ts';

// The AWS documentation sample (shared/data/ecr-image-action.json), as the adapters' tests use it.
const sample = JSON.parse(
  readFileSync(
    new URL('../../../integration/adapters/fixtures/ecr-image-action.json', import.meta.url),
    'utf8',
  ),
) as Record<string, unknown> & { detail: Record<string, unknown> };
const withDetail = (over: Record<string, unknown>) => ({ ...sample, detail: { ...sample.detail, ...over } });
const DIGEST = `sha256:${'ab'.repeat(32)}`;

function outcome(event: unknown): EcrEventOutcome {
  const result = parseEcrEvent(event);
  if (!result.ok) throw new Error(`expected an outcome, got ${result.error.message}`);
  return result.value;
}

describe('parseEcrEvent', () => {
  it('returns an image-push message for the AWS sample push', () => {
    expect(outcome(sample)).toEqual({
      kind: 'image-push',
      message: {
        kind: 'image-push',
        repository: 'my-repository-name',
        digest: 'sha256:7f5b2640fe6fb4f46592dfd3410c4a79dac4f89e4782432e0378abcd1234',
        tag: 'latest',
        pushedAt: '2019-11-16T01:54:34Z',
      },
    });
  });

  it('returns a message without tag for a push by digest', () => {
    for (const tag of [undefined, '', null])
      expect(outcome(withDetail({ 'image-tag': tag, 'image-digest': DIGEST }))).toEqual({
        kind: 'image-push',
        message: {
          kind: 'image-push',
          repository: 'my-repository-name',
          digest: DIGEST,
          pushedAt: sample.time,
        },
      });
  });

  it('keeps the repository path of a namespaced repository', () => {
    expect(outcome(withDetail({ 'repository-name': 'team/actors' }))).toMatchObject({
      message: { repository: 'team/actors' },
    });
  });

  it.each([
    ['a DELETE action', withDetail({ 'action-type': 'DELETE' }), 'action "DELETE" is not a push'],
    ['a failed push', withDetail({ result: 'FAILURE' }), 'push result "FAILURE" is not SUCCESS'],
    ['a push without result', withDetail({ result: undefined }), 'push result undefined is not SUCCESS'],
    ['another source', { ...sample, source: 'aws.s3' }, 'source "aws.s3" is not aws.ecr'],
    ['no source', { ...sample, source: undefined }, 'source undefined is not aws.ecr'],
    [
      'an image scan event',
      { ...sample, 'detail-type': 'ECR Image Scan' },
      'detail-type "ECR Image Scan" is not ECR Image Action',
    ],
    ['a missing detail', { ...sample, detail: undefined }, 'without a detail object'],
    ['a detail that is a string', { ...sample, detail: 'PUSH' }, 'without a detail object'],
    ['a missing digest', withDetail({ 'image-digest': undefined }), 'without an image-digest'],
    ['an empty digest', withDetail({ 'image-digest': '' }), 'without an image-digest'],
    ['a digest that is not sha256', withDetail({ 'image-digest': 'md5:abc' }), 'is not sha256'],
    ['an uppercase digest', withDetail({ 'image-digest': `sha256:${'AB'.repeat(32)}` }), 'is not sha256'],
    ['a missing repository', withDetail({ 'repository-name': 42 }), 'without a repository-name'],
    ['a missing time', { ...sample, time: undefined }, 'without an event time'],
    ['our own queue message', { kind: 'resync', reason: 'x' }, 'source undefined is not aws.ecr'],
  ])('ignores %s with the reason', (_name, event, reason) => {
    const result = outcome(event);
    expect(result.kind).toBe('ignored');
    if (result.kind === 'ignored') expect(result.reason).toContain(reason);
  });

  it.each([
    ['a number', 42, 'source 42 is not aws.ecr'],
    ['null', null, 'source null is not aws.ecr'],
    ['an object', { big: 'x'.repeat(10_000) }, 'source (object) is not aws.ecr'],
    ['an array', ['aws.ecr'], 'source (array) is not aws.ecr'],
    ['a BigInt', 10n, 'source (bigint) is not aws.ecr'],
  ])('describes a source that is %s without failing', (_name, source, reason) => {
    expect(outcome({ ...sample, source })).toEqual({ kind: 'ignored', reason });
  });

  it('describes a cyclic detail value without failing', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(outcome(withDetail({ 'action-type': cyclic }))).toEqual({
      kind: 'ignored',
      reason: 'action (object) is not a push',
    });
  });

  it('bounds untrusted names it quotes in reasons', () => {
    const result = outcome({ ...sample, source: 'x'.repeat(10_000) });
    expect(result.kind === 'ignored' && result.reason.length).toBeLessThan(200);
  });

  it.each([
    ['null', null],
    ['a string', 'ECR Image Action'],
    ['a number', 42],
    ['an array', [sample]],
    ['undefined', undefined],
  ])('returns EVENT_INVALID for %s', (_name, event) => {
    const result = parseEcrEvent(event);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('EVENT_INVALID');
      expect(result.error.retryable).toBe(false);
    }
  });
});

describe('decodeQueueBody over the text of ECR events', () => {
  it('decodeQueueBody reads the text of the sample as the image-push parseEcrEvent finds', () => {
    const parsed = parseEcrEvent(sample);
    if (!parsed.ok || parsed.value.kind !== 'image-push') throw new Error('the sample is a push');
    expect(decodeQueueBody(JSON.stringify(sample))).toEqual({
      kind: 'message',
      message: parsed.value.message,
    });
  });

  it('decodeQueueBody returns poison EVENT_INVALID for text that is not JSON', () => {
    const result = decodeQueueBody('{nope');
    expect(result.kind === 'poison' && result.error.code).toBe('EVENT_INVALID');
  });
});

describe('parseEcrEvent on what the local world emits', () => {
  it('turns the local ECR stand-in push event into the same image-push message', () => {
    const pushedAt = new Date(Date.UTC(2026, 10, 25, 17, 0, 1, 234));
    const event = imagePushEvent({
      repository: 'actors',
      tag: '1.1.0',
      digest: DIGEST,
      imageUri: `000000000000.dkr.ecr.us-east-1.localhost/actors@${DIGEST}`,
      broken: false,
      pushedAt,
    });
    expect(outcome(JSON.parse(JSON.stringify(event)))).toEqual({
      kind: 'image-push',
      message: {
        kind: 'image-push',
        repository: 'actors',
        digest: DIGEST,
        tag: '1.1.0',
        pushedAt: '2026-11-25T17:00:01Z',
      },
    });
  });
});
