// The wire format of the queue: strict JSON QueueMessage, validated against one JSON Schema with ajv
// (as the config is), with FIFO group and deduplication ids.
import { createHash } from 'node:crypto';
import { Ajv, type ErrorObject } from 'ajv';
import { DeployerError, err, ok, type Result } from '../errors.ts';
import { TRIGGER_KINDS } from '../rollout-trigger.ts';
import type { QueueMessage } from '../types.ts';

const text = { type: 'string' } as const;
const flag = { type: 'boolean' } as const;
// Free text from a push payload is bounded at the edge (github-push.ts); these are backstops.
const line = { type: 'string', maxLength: 1024 } as const;
const trigger = {
  type: 'object',
  properties: {
    kind: { enum: [...TRIGGER_KINDS] },
    commit: line,
    author: line,
    message: line,
    repository: line,
    tag: line,
    token: line,
  },
  required: ['kind'],
  additionalProperties: false,
} as const;
const variant = (kind: QueueMessage['kind'], required: string[], optional: Record<string, unknown> = {}) => ({
  type: 'object',
  properties: {
    kind: { const: kind },
    ...Object.fromEntries(required.map((name) => [name, text])),
    ...optional,
  },
  required: ['kind', ...required],
  additionalProperties: false,
});

/** JSON Schema of a QueueMessage (deployer/domain/types.ts): one variant per kind. */
export const QUEUE_MESSAGE_SCHEMA = {
  type: 'object',
  discriminator: { propertyName: 'kind' },
  oneOf: [
    variant('git-push', ['deliveryId', 'after'], { author: line, message: line }),
    variant('image-push', ['repository', 'digest', 'pushedAt'], { tag: text }),
    variant('reconcile', ['service', 'reason'], { configRevision: text, force: flag, trigger }),
    variant('resync', ['reason'], { trigger }),
    variant('deployment-event', ['cluster', 'service', 'event', 'at'], { deploymentId: text, reason: text }),
  ],
} as const;

const validate = new Ajv({ strict: true, discriminator: true }).compile(QUEUE_MESSAGE_SCHEMA);

const invalid = (why: string) => err(new DeployerError('EVENT_INVALID', `invalid queue message: ${why}`));

export function encodeMessage(msg: QueueMessage): string {
  return JSON.stringify(msg);
}

/** A parsed value as a QueueMessage, or EVENT_INVALID naming the first problem. */
export function checkMessage(value: unknown): Result<QueueMessage> {
  if (validate(value)) return ok(value as QueueMessage);
  return invalid(describe(validate.errors?.[0]));
}

function describe(error: ErrorObject | undefined): string {
  if (!error) return 'not a queue message';
  const field = error.instancePath.slice(1);
  if (error.keyword === 'type' && field === '') return 'not an object';
  if (error.keyword === 'discriminator')
    return `unknown kind ${(JSON.stringify((error.params as { tagValue?: unknown }).tagValue) ?? 'undefined').slice(0, 100)}`;
  if (error.keyword === 'additionalProperties')
    return `unexpected field "${(error.params as { additionalProperty: string }).additionalProperty}"`;
  if (error.keyword === 'required')
    return `field "${(error.params as { missingProperty: string }).missingProperty}" is missing`;
  return `field "${field}" ${error.message ?? 'is invalid'}`;
}

export function messageGroupId(msg: QueueMessage): string {
  if (msg.kind === 'reconcile') return `service:${msg.service}`;
  // Apart from intake: waking a waiting rollout must not wait behind a long resync.
  return msg.kind === 'deployment-event' ? DEPLOYMENT_EVENTS_GROUP : 'intake';
}

/** Message group of ECS deployment events (the EventBridge rule's target says the same). */
export const DEPLOYMENT_EVENTS_GROUP = 'ecs-events';

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
    case 'deployment-event':
      return safeId(`ecs:${msg.cluster}/${msg.service}:${msg.event}:${msg.deploymentId ?? ''}:${msg.at}`);
  }
}
