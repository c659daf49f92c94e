// Validates one parsed file against the service schema and turns ajv's errors into messages that say
// what to fix: unknown fields with a suggestion, wrong types with what was found, patterns in words.
import type { ErrorObject } from 'ajv';
import { describeValue, dotted, fromPointer } from './field-path.ts';
import validateService from './generated/service-validator.js';
import { PATTERN_HINTS, serviceSchema } from './service-schema.ts';
import { closestMatch } from './suggestions.ts';
import type { Anchor, DataPath } from './yaml-locations.ts';

/** A problem inside one file, before it is given a line and column. */
export interface Issue {
  /** Where to point: the field itself, or its parent mapping for a missing field. */
  path: DataPath;
  anchor: Anchor;
  message: string;
  /** Dotted field name when it differs from `path` (a missing field is named but not located). */
  field?: string;
}

const POLICIES = ['semver', 'glob', 'regex', 'latest'] as const;
const TYPE_WORDS: Record<string, string> = {
  object: 'a mapping',
  array: 'a list',
  string: 'a string',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
};

interface SchemaNode {
  description?: string;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
}

/** Every field name the schema knows, with where it belongs: `repository` → ['image.repository']. */
const FIELD_HOMES = new Map<string, string[]>();
(function collect(node: SchemaNode, prefix: string[]) {
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    const home = [...prefix, key].join('.');
    FIELD_HOMES.set(key, [...(FIELD_HOMES.get(key) ?? []), home]);
    collect(child, [...prefix, key]);
  }
})(serviceSchema as SchemaNode, []);

const valueAt = (data: unknown, path: DataPath): unknown =>
  path.reduce<unknown>(
    (node, key) =>
      node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined,
    data,
  );

function unknownField(parent: DataPath, field: string, known: string[]): string {
  const suggestion = closestMatch(field, known);
  if (suggestion !== undefined) return `unknown field \`${field}\`; did you mean \`${suggestion}\`?`;
  const homes = (FIELD_HOMES.get(field) ?? []).filter((home) => home !== dotted([...parent, field]));
  if (homes.length > 0) return `unknown field \`${field}\` here; it belongs at \`${homes.join('` or `')}\``;
  const where = parent.length === 0 ? 'at the top level' : `in \`${dotted(parent)}\``;
  return `unknown field \`${field}\` ${where}; known fields are ${known.map((k) => `\`${k}\``).join(', ')}`;
}

function trackMessage(track: unknown): string {
  const present = POLICIES.filter((p) => track !== null && typeof track === 'object' && p in track);
  if (present.length === 0)
    return '`track` needs one policy: `semver: "^1.2.0"`, `glob: "release-*"`, `regex: "^main-"` or `latest: true`';
  return `\`track\` takes exactly one policy, got ${present.map((p) => `\`${p}\``).join(' and ')}; keep one`;
}

// YAML 1.2 (what the `yaml` package and the deployer read) has only true/false as booleans.
const YAML11_BOOLEAN = /^(?:y|n|yes|no|on|off)$/i;

function typeHint(expected: string, value: unknown, source: string | undefined): string {
  if (expected === 'string' && (typeof value === 'number' || typeof value === 'boolean'))
    return `; quote it to keep it text: "${source ?? String(value)}"`;
  if (expected === 'boolean' && typeof value === 'string' && YAML11_BOOLEAN.test(value))
    return '; YAML reads yes/no/on/off as text here, write true or false';
  return '';
}

function typeMessage(error: ErrorObject, value: unknown, source: string | undefined): string {
  const expected = TYPE_WORDS[String(error.params.type)] ?? String(error.params.type);
  if (value === null || value === undefined)
    return `is empty; expected ${expected}${expected === 'a mapping' ? ' (give it fields or remove the key)' : ''}`;
  const got = describeValue(value);
  return `expected ${expected}, got ${got}${typeHint(String(error.params.type), value, source)}`;
}

/** An environment's override (`environments.staging.cluster`) means what the top-level field means. */
function environmentHint(path: DataPath): string | undefined {
  if (path[0] !== 'environments' || path.length < 3) return undefined;
  const rest = path.slice(2).map((p) => (typeof p === 'number' ? '*' : p));
  return PATTERN_HINTS[dotted(['environments', '*', ...rest])] ?? PATTERN_HINTS[dotted(rest)];
}

function messageFor(
  error: ErrorObject,
  data: unknown,
  sourceOf: (path: DataPath) => string | undefined,
): Issue {
  const path = fromPointer(error.instancePath, data);
  const value = valueAt(data, path);
  const schema = (error.parentSchema ?? {}) as SchemaNode & Record<string, unknown>;
  const got = value === undefined ? '' : `, got ${describeValue(value)}`;
  switch (error.keyword) {
    case 'additionalProperties': {
      const field = String(error.params.additionalProperty);
      return {
        path: [...path, field],
        anchor: 'key',
        message: unknownField(path, field, Object.keys(schema.properties ?? {})),
      };
    }
    case 'required': {
      const field = String(error.params.missingProperty);
      const description = schema.properties?.[field]?.description;
      const where = path.length === 0 ? '' : ` in \`${dotted(path)}\``;
      return {
        path,
        anchor: 'key',
        field: dotted([...path, field]),
        message: `missing required field \`${field}\`${where}${description ? `: ${description.replace(/\.$/, '')}` : ''}`,
      };
    }
    case 'type':
      return { path, anchor: 'value', message: typeMessage(error, value, sourceOf(path)) };
    case 'pattern': {
      const key = dotted(path.map((p) => (typeof p === 'number' ? '*' : p)));
      const hint =
        PATTERN_HINTS[key] ?? environmentHint(path) ?? `must match ${String(error.params.pattern)}`;
      return { path, anchor: 'value', message: `${hint}${got}` };
    }
    case 'oneOf':
      return { path, anchor: 'key', message: trackMessage(value) };
    case 'dependencies':
      return {
        path: [...path, String(error.params.property)],
        anchor: 'key',
        message: '`prerelease` only applies to a `semver` track; remove it or track a semver range',
      };
    case 'const':
      return {
        path,
        anchor: 'value',
        message: `\`latest\` can only be \`true\`${got}${typeHint('boolean', value, undefined) || '; to stop following the newest push, use a pin or another policy'}`,
      };
    case 'enum':
      return {
        path,
        anchor: 'value',
        message: `must be one of ${(error.params.allowedValues as unknown[]).map((v) => `\`${String(v)}\``).join(', ')}${got}`,
      };
    case 'minLength':
      return { path, anchor: 'value', message: 'must not be empty' };
    case 'minItems':
      return {
        path,
        anchor: 'value',
        message: `must list at least ${String(error.params.limit)} ${error.params.limit === 1 ? 'entry' : 'entries'}; remove the field to use the default`,
      };
    case 'uniqueItems':
      return { path, anchor: 'value', message: 'must not list the same entry twice' };
    default:
      return { path, anchor: 'value', message: `${error.message ?? 'is invalid'}${got}` };
  }
}

/** Schema problems of one file's data; `sourceOf` gives the raw text of a scalar for hints. */
// Rules about a mapping's keys say nothing useful when the value is not a mapping at all.
const STRUCTURAL = new Set(['required', 'oneOf', 'not', 'dependencies', 'additionalProperties']);

/** Drops errors that only restate another one, so one mistake reads as one line. */
function withoutEchoes(errors: ErrorObject[]): ErrorObject[] {
  const wrongType = new Set(errors.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  // A misspelt key (`semvr`) also makes its correct name missing; the suggestion covers both.
  const suggested = new Set<string>();
  const typoParents = new Set<string>();
  for (const e of errors) {
    if (e.keyword !== 'additionalProperties') continue;
    const known = Object.keys((e.parentSchema as SchemaNode | undefined)?.properties ?? {});
    const match = closestMatch(String(e.params.additionalProperty), known);
    if (match !== undefined) {
      suggested.add(`${e.instancePath}/${match}`);
      typoParents.add(e.instancePath);
    }
  }
  return errors.filter((e) => {
    // oneOf reports why each branch failed; the oneOf error itself says it better in one line.
    if (e.schemaPath.includes('/oneOf/')) return false;
    if (STRUCTURAL.has(e.keyword) && wrongType.has(e.instancePath)) return false;
    if (e.keyword === 'required' && suggested.has(`${e.instancePath}/${String(e.params.missingProperty)}`))
      return false;
    if (e.keyword === 'oneOf' && typoParents.has(e.instancePath)) return false;
    return true;
  });
}

export function schemaIssues(data: unknown, sourceOf: (path: DataPath) => string | undefined): Issue[] {
  if (validateService(data)) return [];
  return withoutEchoes(validateService.errors ?? []).map((e) => messageFor(e, data, sourceOf));
}
