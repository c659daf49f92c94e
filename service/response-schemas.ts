// The JSON schemas of the service's answers. Fastify serializes with code generated from them ahead
// of time (`npm run validators` writes service/generated/; precompiled-schemas.ts hands it over), so
// a start compiles none of them.
import type { Actor } from './actors-data.ts';

export type ActorList = readonly Actor[];

export interface HealthBody {
  status: string;
}

export const ACTOR_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'actor', 'role'],
  properties: { id: { type: 'integer' }, actor: { type: 'string' }, role: { type: 'string' } },
} as const;

export const ACTOR_LIST_SCHEMA = { type: 'array', items: ACTOR_SCHEMA } as const;

export const HEALTH_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['status'],
  properties: { status: { type: 'string' } },
} as const;
