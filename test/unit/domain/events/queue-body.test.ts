import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeQueueBody } from '../../../../deployer/domain/events/queue-body.ts';
import { encodeMessage } from '../../../../deployer/domain/events/queue-message.ts';

// The AWS documentation sample ECR Image Action event (shared/data/ecr-image-action.json).
const sample = JSON.parse(
  readFileSync(
    new URL('../../../integration/adapters/fixtures/ecr-image-action.json', import.meta.url),
    'utf8',
  ),
) as { detail: Record<string, unknown> };
const body = (value: unknown) => JSON.stringify(value);

describe('decodeQueueBody', () => {
  it.each<[string, string, 'message' | 'ignored' | 'poison', RegExp?]>([
    ['our resync message', encodeMessage({ kind: 'resync', reason: 'periodic' }), 'message'],
    ['the ECR push sample', body(sample), 'message'],
    [
      'an ECR DELETE',
      body({ ...sample, detail: { ...sample.detail, 'action-type': 'DELETE' } }),
      'ignored',
      /not a push/,
    ],
    ['another EventBridge source', body({ ...sample, source: 'aws.s3' }), 'ignored', /is not aws.ecr/],
    ['text that is not JSON', '{nope', 'poison', /not JSON/],
    ['an empty body', '', 'poison', /not JSON/],
    ['a JSON array', '[]', 'poison', /not an object/],
    ['an unknown kind', body({ kind: 'deploy-now' }), 'poison', /unknown kind "deploy-now"/],
    [
      'a message with a field too many',
      body({ kind: 'resync', reason: 'x', extra: 1 }),
      'poison',
      /unexpected field "extra"/,
    ],
    ['a message missing a field', body({ kind: 'resync' }), 'poison', /field "reason" is missing/],
    [
      'a field of the wrong type',
      body({ kind: 'reconcile', service: 'a', reason: 'r', force: 'yes' }),
      'poison',
      /field "force" must be boolean/,
    ],
  ])('decodeQueueBody(%s) is %s', (_name, text, kind, why) => {
    const decoded = decodeQueueBody(text);
    expect(decoded.kind).toBe(kind);
    if (decoded.kind === 'ignored' && why) expect(decoded.reason).toMatch(why);
    if (decoded.kind === 'poison') {
      expect(decoded.error.code).toBe('EVENT_INVALID');
      if (why) expect(decoded.error.message).toMatch(why);
    }
  });

  it('decodeQueueBody gives the image-push an ECR push stands for', () => {
    expect(decodeQueueBody(body(sample))).toEqual({
      kind: 'message',
      message: {
        kind: 'image-push',
        repository: 'my-repository-name',
        digest: 'sha256:7f5b2640fe6fb4f46592dfd3410c4a79dac4f89e4782432e0378abcd1234',
        tag: 'latest',
        pushedAt: '2019-11-16T01:54:34Z',
      },
    });
  });
});
