// Property tests for the two text formats the deployer reads back: image references (round trip
// through parse/format) and queue messages (round trip through the queue, valid SQS ids always).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeQueueBody } from '../../../deployer/domain/events/queue-body.ts';
import {
  deduplicationId,
  encodeMessage,
  messageGroupId,
} from '../../../deployer/domain/events/queue-message.ts';
import { formatImageRef, parseImageRef } from '../../../deployer/domain/image-ref.ts';
import type { ImageRef, QueueMessage } from '../../../deployer/domain/types.ts';
import { anyText } from '../../support/any-text.ts';
import { propertyRuns } from '../../support/property-runs.ts';

const lower = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789');
const word = fc.string({ unit: lower, minLength: 1, maxLength: 8 });
const component = fc
  .tuple(word, fc.array(fc.tuple(fc.constantFrom('.', '_', '__', '-', '--'), word), { maxLength: 2 }))
  .map(([head, rest]) => head + rest.map(([sep, w]) => sep + w).join(''));
const hex64 = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 });
const ref: fc.Arbitrary<ImageRef> = fc
  .record(
    {
      registry: fc.oneof(
        fc.constant('123456789012.dkr.ecr.eu-west-1.amazonaws.com'),
        fc.constant('localhost'),
        fc.tuple(word, fc.nat(65535)).map(([host, port]) => `${host}.example.com:${port}`),
      ),
      repository: fc.array(component, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('/')),
      tag: fc
        .tuple(
          fc.constantFrom(...'abcXYZ019_'),
          fc.string({ unit: fc.constantFrom(...'aZ09_.-'), maxLength: 20 }),
        )
        .map(([first, rest]) => first + rest),
      digest: hex64.map((h) => `sha256:${h}`),
    },
    { requiredKeys: ['repository'] },
  )
  // A lone first component that looks like a host would be read as the registry: Docker's rule.
  .filter((r) => r.registry !== undefined || !/[.:]|^localhost$/.test(r.repository.split('/')[0] ?? ''));

describe('image reference properties', () => {
  it('parses what it formats back into the same reference', () => {
    fc.assert(
      fc.property(ref, (r) => {
        expect(parseImageRef(formatImageRef(r))).toEqual({ ok: true, value: r });
      }),
      { numRuns: propertyRuns(5_000) },
    );
  });

  it('formats what it parses back into the same text', () => {
    const text = fc.oneof(
      ref.map(formatImageRef),
      fc.string({ unit: fc.constantFrom(...'ab1.:/@_-A'), maxLength: 30 }),
    );
    fc.assert(
      fc.property(text, (t) => {
        const parsed = parseImageRef(t);
        if (parsed.ok) expect(formatImageRef(parsed.value)).toBe(t);
        else expect(parsed.error.code).toBe('IMAGE_REF_INVALID');
      }),
      { numRuns: propertyRuns(5_000) },
    );
  });
});

const text = anyText(200);
const message: fc.Arbitrary<QueueMessage> = fc.oneof(
  fc.record({
    kind: fc.constant('git-push' as const),
    deliveryId: text,
    after: text,
  }),
  fc.record(
    {
      kind: fc.constant('image-push' as const),
      repository: text,
      digest: text,
      tag: text,
      pushedAt: text,
    },
    { requiredKeys: ['kind', 'repository', 'digest', 'pushedAt'] },
  ),
  fc.record(
    {
      kind: fc.constant('reconcile' as const),
      service: text,
      reason: text,
      configRevision: text,
      force: fc.boolean(),
    },
    { requiredKeys: ['kind', 'service', 'reason'] },
  ),
  fc.record({ kind: fc.constant('resync' as const), reason: text }),
);

describe('queue message properties', () => {
  it('decodes what it encodes, with a group and a deduplication id SQS accepts', () => {
    fc.assert(
      fc.property(message, (m) => {
        expect(decodeQueueBody(encodeMessage(m))).toEqual({ kind: 'message', message: m });
        expect(deduplicationId(m)).toMatch(/^[!-~]{1,128}$/);
        expect(messageGroupId(m)).toBe(m.kind === 'reconcile' ? `service:${m.service}` : 'intake');
      }),
      { numRuns: propertyRuns(5_000) },
    );
  });

  it('gives different deliveries different deduplication ids', () => {
    fc.assert(
      fc.property(message, message, (a, b) => {
        if (encodeMessage(a) !== encodeMessage(b) && a.kind === 'git-push' && b.kind === 'git-push')
          expect(deduplicationId(a) === deduplicationId(b)).toBe(a.deliveryId === b.deliveryId);
      }),
      { numRuns: propertyRuns(2_000) },
    );
  });
});
