// JSON Schema of the queue's wire format (queue-message.ts validates with the validator generated
// from it: scripts/generate-validators.ts).
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
    variant('reconcile', ['service', 'reason'], {
      configRevision: text,
      force: flag,
      trigger,
      overrideWindowBy: text,
    }),
    variant('resync', ['reason'], { trigger }),
    variant('deployment-event', ['cluster', 'service', 'event', 'at'], { deploymentId: text, reason: text }),
  ],
} as const;
