// JSON Schema of ServiceHistory (history-model.ts): the response schema of
// GET /api/services/:service/history and what the CLI checks an answer against (schema-builder.ts).
import { REVISION_RESULTS } from '../domain/revision-tags.ts';
import { arrayOf, closed, nullableText, optional, text } from './schema-builder.ts';
import { rolloutTriggerSchema } from './status-schema.ts';

const links = closed({
  commit: optional(text),
  githubDeployment: optional(text),
  ecsDeployment: optional(text),
  ecsTaskDefinition: optional(text),
  logs: optional(text),
});

const entry = closed({
  taskDefinitionArn: text,
  revision: text,
  live: { type: 'boolean' },
  image: nullableText,
  digest: optional(text),
  tag: optional(text),
  rolloutId: optional(text),
  result: optional({ enum: [...REVISION_RESULTS] }),
  reason: optional(text),
  startedAt: optional(text),
  finishedAt: optional(text),
  durationMs: optional({ type: 'number' }),
  configRevision: optional(text),
  trigger: optional(rolloutTriggerSchema),
  restored: optional(closed({ at: text, by: optional(text), from: optional(text) })),
  links,
});

export const serviceHistorySchema = closed({
  service: text,
  cluster: text,
  ecsService: text,
  family: text,
  liveTaskDefinitionArn: text,
  revisions: arrayOf(entry),
  more: { type: 'number' },
});
