// JSON Schema of ServiceHistory (history-model.ts): the response schema of
// GET /api/services/:service/history and what the CLI checks an answer against. Objects are closed.
import { REVISION_RESULTS } from '../domain/revision-tags.ts';
import { rolloutTriggerSchema } from './status-schema.ts';

const text = { type: 'string' } as const;
const closed = (properties: Record<string, unknown>, required: string[]) =>
  ({ type: 'object', additionalProperties: false, properties, required }) as const;

const links = closed(
  { commit: text, githubDeployment: text, ecsDeployment: text, ecsTaskDefinition: text, logs: text },
  [],
);

const entry = closed(
  {
    taskDefinitionArn: text,
    revision: text,
    live: { type: 'boolean' },
    image: { type: ['string', 'null'] },
    digest: text,
    tag: text,
    rolloutId: text,
    result: { enum: [...REVISION_RESULTS] },
    reason: text,
    startedAt: text,
    finishedAt: text,
    durationMs: { type: 'number' },
    configRevision: text,
    trigger: rolloutTriggerSchema,
    restored: closed({ at: text, by: text, from: text }, ['at']),
    links,
  },
  ['taskDefinitionArn', 'revision', 'live', 'image', 'links'],
);

export const serviceHistorySchema = closed(
  {
    service: text,
    cluster: text,
    ecsService: text,
    family: text,
    liveTaskDefinitionArn: text,
    revisions: { type: 'array', items: entry },
    more: { type: 'number' },
  },
  ['service', 'cluster', 'ecsService', 'family', 'liveTaskDefinitionArn', 'revisions', 'more'],
);
