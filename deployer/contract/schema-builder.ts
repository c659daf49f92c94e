// The few shapes the contract's JSON Schemas are built from (status-schema.ts, history-schema.ts).
// Objects are closed (`additionalProperties: false`), so a field added to a model without its schema
// fails the tests; a field is required unless marked optional(), so the required list cannot drift
// from the properties.

export const text = { type: 'string' } as const;
export const nullableText = { type: ['string', 'null'] } as const;
export const count = { type: 'integer', minimum: 0 } as const;

const optionalFields = new WeakSet<object>();

/** Marks a field its object may leave out (JSON has no undefined); every unmarked field is required. */
export function optional<T extends object>(schema: T): T {
  const marked = { ...schema };
  optionalFields.add(marked);
  return marked;
}

/** A closed object: no other fields; `required` lists the fields not marked optional(). */
export const closed = (properties: Record<string, object>) =>
  ({
    type: 'object',
    additionalProperties: false,
    properties,
    required: Object.keys(properties).filter((key) => !optionalFields.has(properties[key] as object)),
  }) as const;

export const arrayOf = (items: object) => ({ type: 'array', items }) as const;
export const orNull = (schema: object) => ({ anyOf: [schema, { type: 'null' }] });
