// The wire format of the queue: strict JSON QueueMessage, validated against one JSON Schema with ajv
// (as the config is; queue-message-schema.ts, compiled ahead by `npm run validators`), with FIFO group
// and deduplication ids.
import { createHash } from 'node:crypto';
import type { ErrorObject } from 'ajv';
import { DeployerError, err, ok, type Result } from '../errors.ts';
import type { QueueMessage } from '../types.ts';
import validateQueueMessage from './generated/queue-message-validator.js';

const invalid = (why: string) => err(new DeployerError('EVENT_INVALID', `invalid queue message: ${why}`));

export function encodeMessage(msg: QueueMessage): string {
  return JSON.stringify(msg);
}

/** A parsed value as a QueueMessage, or EVENT_INVALID naming the first problem. */
export function checkMessage(value: unknown): Result<QueueMessage> {
  if (validateQueueMessage(value)) return ok(value);
  return invalid(describe(validateQueueMessage.errors?.[0]));
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
        `reconcile:${msg.service}:${msg.configRevision ?? ''}:${msg.force === true}${msg.overrideWindowBy !== undefined ? `:override:${msg.overrideWindowBy}` : ''}:${msg.reason}`,
      );
    case 'resync':
      return safeId(`resync:${msg.reason}`);
    case 'deployment-event':
      return safeId(`ecs:${msg.cluster}/${msg.service}:${msg.event}:${msg.deploymentId ?? ''}:${msg.at}`);
  }
}
