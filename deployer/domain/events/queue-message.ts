// The wire format of the queue: strict JSON QueueMessage, with FIFO group and deduplication ids.
import { createHash } from 'node:crypto';
import { DeployerError, err, ok, type Result } from '../errors.ts';
import type { QueueMessage } from '../types.ts';

type Shape = Record<string, 'string' | 'boolean' | 'string?' | 'boolean?'>;
const SHAPES: Record<QueueMessage['kind'], Shape> = {
  'git-push': { kind: 'string', deliveryId: 'string', after: 'string' },
  'image-push': {
    kind: 'string',
    repository: 'string',
    digest: 'string',
    tag: 'string?',
    pushedAt: 'string',
  },
  reconcile: {
    kind: 'string',
    service: 'string',
    reason: 'string',
    configRevision: 'string?',
    force: 'boolean?',
  },
  resync: { kind: 'string', reason: 'string' },
};

const invalid = (why: string) => err(new DeployerError('EVENT_INVALID', `invalid queue message: ${why}`));

export function encodeMessage(msg: QueueMessage): string {
  return JSON.stringify(msg);
}

export function decodeMessage(text: string): Result<QueueMessage> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return invalid('not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return invalid('not an object');
  const record = value as Record<string, unknown>;
  const kind = record.kind;
  if (typeof kind !== 'string' || !Object.hasOwn(SHAPES, kind))
    return invalid(`unknown kind ${JSON.stringify(kind)}`);
  const shape = SHAPES[kind as QueueMessage['kind']];
  for (const key of Object.keys(record))
    if (!Object.hasOwn(shape, key)) return invalid(`unexpected field "${key}"`);
  for (const [key, type] of Object.entries(shape)) {
    const optional = type.endsWith('?');
    const v = record[key];
    if (v === undefined && optional) continue;
    if (typeof v !== type.replace('?', ''))
      return invalid(`field "${key}" must be a ${type.replace('?', '')}`);
  }
  return ok(record as QueueMessage);
}

export function messageGroupId(msg: QueueMessage): string {
  return msg.kind === 'reconcile' ? `service:${msg.service}` : 'intake';
}

// SQS allows up to 128 chars of [A-Za-z0-9!-~]; anything else is hashed.
function safeId(raw: string): string {
  if (raw.length <= 128 && /^[!-~]+$/.test(raw)) return raw;
  return createHash('sha256').update(raw).digest('hex');
}

export function deduplicationId(msg: QueueMessage): string {
  switch (msg.kind) {
    case 'git-push':
      return safeId(`git:${msg.deliveryId}`);
    case 'image-push':
      return safeId(`image:${msg.repository}:${msg.digest}:${msg.tag ?? ''}`);
    case 'reconcile':
      return safeId(
        `reconcile:${msg.service}:${msg.configRevision ?? ''}:${msg.force === true}:${msg.reason}`,
      );
    case 'resync':
      return safeId(`resync:${msg.reason}`);
  }
}
