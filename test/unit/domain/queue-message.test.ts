import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeQueueBody } from '../../../deployer/domain/events/queue-body.ts';
import {
  deduplicationId,
  encodeMessage,
  messageGroupId,
} from '../../../deployer/domain/events/queue-message.ts';
import type { QueueMessage } from '../../../deployer/domain/types.ts';

const D = `sha256:${'b'.repeat(64)}`;
const messages: [QueueMessage, string][] = [
  [{ kind: 'git-push', deliveryId: 'd-1', after: 'b' }, 'intake'],
  [
    {
      kind: 'image-push',
      repository: 'actors',
      digest: D,
      tag: '1.1.0',
      pushedAt: '2026-01-01T00:00:00.000Z',
    },
    'intake',
  ],
  [
    { kind: 'reconcile', service: 'actors', reason: 'x'.repeat(300), configRevision: 'abc' },
    'service:actors',
  ],
  [{ kind: 'resync', reason: 'timer' }, 'intake'],
];

describe('queue messages', () => {
  it.each(messages)('round-trips %j with group %s and a valid dedup id', (msg, group) => {
    expect(decodeQueueBody(encodeMessage(msg))).toEqual({ kind: 'message', message: msg });
    expect(messageGroupId(msg)).toBe(group);
    expect(deduplicationId(msg)).toMatch(/^[!-~]{1,128}$/);
  });
  it.each([
    'not json',
    '[]',
    '{"kind":"nope"}',
    '{"kind":"resync"}',
    '{"kind":"resync","reason":"t","extra":1}',
    '{"kind":"reconcile","service":"a","reason":"r","force":"yes"}',
  ])('rejects %s', (text) => {
    expect(decodeQueueBody(text)).toMatchObject({ kind: 'poison', error: { code: 'EVENT_INVALID' } });
  });
  it('never throws on any input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (s) => {
        decodeQueueBody(s);
      }),
    );
  });
});
