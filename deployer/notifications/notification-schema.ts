// JSON Schema of the `notifications:` configuration (notification-settings.ts validates with the
// validator generated from it: scripts/generate-validators.ts).
import { LIFECYCLE_KINDS } from '../lifecycle/lifecycle-event.ts';

export const CHANNEL_TYPES = ['slack', 'teams', 'webhook'] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

export const NOTIFICATION_SETTINGS_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['notifications'],
  properties: {
    notifications: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['type', 'url'],
        properties: {
          name: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,64}$' },
          type: { enum: [...CHANNEL_TYPES] },
          url: { type: 'string', minLength: 1 },
          secret: { type: 'string', minLength: 16 },
          events: { type: 'array', items: { enum: [...LIFECYCLE_KINDS] }, uniqueItems: true, minItems: 1 },
          services: { type: 'array', items: { type: 'string', minLength: 1 }, uniqueItems: true },
        },
      },
    },
  },
} as const;
