// The JSON Schemas of the requests the HTTP routes validate (path parameters, query strings, bodies),
// in one place so that scripts/generate-validators.ts can write their validators ahead of time
// (deployer/http/generated/): the server compiles none when it starts (precompiled-schemas.ts).

/** `:service` in a path: a service name as the config names it. */
export const serviceParamsSchema = {
  type: 'object',
  required: ['service'],
  properties: { service: { type: 'string', minLength: 1, maxLength: 255 } },
} as const;

/** POST /api/services/:service/rollback (no body at all means `{}`: the previous revision). */
export const rollbackBodySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    to: {
      type: 'string',
      minLength: 1,
      maxLength: 2048,
      description: 'Task definition ARN, `family:revision` or revision number; default: the previous one',
    },
    dryRun: { type: 'boolean', description: 'Name the target and check it; change nothing' },
  },
} as const;

/** POST /api/services/:service/sync. */
export const syncBodySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    overrideWindow: {
      type: 'boolean',
      description: 'Start the rollout even outside the sync windows (logged with the token name)',
    },
  },
} as const;

/** GET /api/services/:service/history?limit=n. */
export const historyQuerySchema = {
  type: 'object',
  additionalProperties: false,
  // A string: the server does not coerce types (REQUEST_AJV_OPTIONS), and a query value is text.
  properties: { limit: { type: 'string', pattern: '^[1-9][0-9]{0,2}$' } },
} as const;

/**
 * The ajv options Fastify would compile these schemas with: its defaults (@fastify/ajv-compiler's
 * default-ajv-options.js: useDefaults, addUsedSchema false, allErrors false, which keeps one bad
 * field from costing a scan of all of them) with two of ours. Unknown fields are refused, not
 * silently dropped (a typo in `{"to": ...}` would roll back to the wrong revision), and types are
 * not coerced (`"dryRun": "false"` is an error, not `true`).
 */
export const REQUEST_AJV_OPTIONS = {
  useDefaults: true,
  addUsedSchema: false,
  allErrors: false,
  removeAdditional: false,
  coerceTypes: false,
} as const;
