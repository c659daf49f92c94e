// `${stack:Name}` placeholders in service configs: values the infrastructure knows (the CloudFront
// distribution id, its URL) so config/ holds the same text for the local world and for AWS. The values
// come from whoever runs the parser (the STACK_VALUES variable the stack sets on the deployer task);
// this module only resolves them, and without values only checks that each placeholder is well-formed.
import { closestMatch } from './suggestions.ts';
import type { DataPath } from './yaml-locations.ts';

/** Stack value names and their values, e.g. `{ DistributionId: 'E2EXAMPLE' }`. */
export type StackValues = Readonly<Record<string, string>>;

/** A `${stack:Name}` placeholder as a JSON Schema pattern piece, allowed where the value differs per environment. */
export const STACK_PLACEHOLDER_PATTERN = '\\$\\{stack:[A-Za-z][A-Za-z0-9]{0,63}\\}';

/** The environment variable that carries the values to the deployer (set by infra/, and by local/). */
export const STACK_VALUES_VARIABLE = 'STACK_VALUES';

const NAME = /^[A-Za-z][A-Za-z0-9]{0,63}$/;
/** Anything that starts like a placeholder, up to its closing brace if any. */
const PLACEHOLDER = /\$\{stack:([^}]*)(\}?)/g;

/** A placeholder that cannot be resolved, with its text so the caller can point inside the scalar. */
export interface PlaceholderIssue {
  path: DataPath;
  placeholder: string;
  message: string;
}

export type StackValuesParse = { ok: true; values: StackValues } | { ok: false; message: string };

/** Reads the JSON object of STACK_VALUES (or a `--stack-values` file): names to non-empty strings. */
export function parseStackValues(json: string, origin = STACK_VALUES_VARIABLE): StackValuesParse {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (error) {
    return { ok: false, message: `${origin} is not valid JSON: ${(error as Error).message}` };
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data))
    return {
      ok: false,
      message: `${origin} must be a JSON object of names to strings, e.g. {"DistributionId":"E2EXAMPLE"}`,
    };
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(data)) {
    if (!NAME.test(name))
      return {
        ok: false,
        message: `${origin}: ${JSON.stringify(name)} is not a valid name (a letter, then letters or digits)`,
      };
    if (typeof value !== 'string' || value === '')
      return {
        ok: false,
        message: `${origin}: ${name} must be a non-empty string, got ${JSON.stringify(value)}`,
      };
    values[name] = value;
  }
  return { ok: true, values };
}

function unknownName(name: string, values: StackValues): string {
  const known = Object.keys(values).sort();
  if (known.length === 0)
    return `unknown stack value \`${name}\`: no stack values are set (the stack sets ${STACK_VALUES_VARIABLE} on the deployer; \`validate\` takes --stack-values file.json)`;
  const suggestion = closestMatch(name, known);
  const hint = suggestion === undefined ? '' : `; did you mean \`${suggestion}\`?`;
  return `unknown stack value \`${name}\`${hint} (known names: ${known.map((k) => `\`${k}\``).join(', ')})`;
}

function resolveString(
  text: string,
  path: DataPath,
  values: StackValues | undefined,
  issues: PlaceholderIssue[],
): string {
  return text.replace(PLACEHOLDER, (placeholder: string, name: string, closing: string) => {
    if (closing === '') {
      issues.push({
        path,
        placeholder,
        message: `\`${placeholder}\` has no closing \`}\`; write \`\${stack:Name}\``,
      });
      return placeholder;
    }
    if (!NAME.test(name)) {
      issues.push({
        path,
        placeholder,
        message: `\`${placeholder}\` is not a valid placeholder: the name must be a letter, then letters or digits`,
      });
      return placeholder;
    }
    if (values === undefined) return placeholder;
    if (!Object.hasOwn(values, name)) {
      issues.push({ path, placeholder, message: unknownName(name, values) });
      return placeholder;
    }
    return values[name] as string;
  });
}

/**
 * Replaces every `${stack:Name}` in the string fields of `data` with its value. Without `values` the
 * placeholders stay as written and only their syntax is checked (`validate` without stack values).
 */
export function resolveStackValues(
  data: unknown,
  values: StackValues | undefined,
): { data: unknown; issues: PlaceholderIssue[] } {
  const issues: PlaceholderIssue[] = [];
  const visit = (node: unknown, path: DataPath): unknown => {
    if (typeof node === 'string') return resolveString(node, path, values, issues);
    if (Array.isArray(node)) return node.map((item, index) => visit(item, [...path, index]));
    if (node !== null && typeof node === 'object')
      return Object.fromEntries(
        Object.entries(node).map(([key, value]) => [key, visit(value, [...path, key])]),
      );
    return node;
  };
  return { data: visit(data, []), issues };
}
