// One file, several environments: the data of one environment is the file's top-level fields with the
// environment's overrides on top (blocks such as `verify` merge one level deep; lists and scalars are
// replaced), and each environment becomes its own target named `<name>@<environment>`. Pure, and it
// reads raw data defensively: the checks call it before the schema has passed.
import type { DataPath } from './yaml-locations.ts';

type Data = Record<string, unknown>;

const record = (value: unknown): Data | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Data) : undefined;

/** Blocks an override merges into (its fields over the top-level ones) rather than replaces. */
const MERGED_BLOCKS = new Set(['verify', 'cdn', 'rollout', 'image']);
/** Fields of an environment that are not overrides of a top-level field. */
const ENVIRONMENT_ONLY = new Set(['region', 'roleArn', 'promote']);

/** The target name of one environment: `actors@staging`. */
export function targetName(service: string, environment: string): string {
  return `${service}@${environment}`;
}

/** The environments a file declares, in file order; empty when it has none. */
export function environmentNames(data: unknown): string[] {
  return Object.keys(record(record(data)?.environments) ?? {});
}

/** The overrides of one environment as written (an empty mapping when absent or not a mapping). */
export function overridesOf(data: unknown, environment: string): Data {
  return record(record(record(data)?.environments)?.[environment]) ?? {};
}

/** The file's data as one environment sees it: top-level fields, overridden, without `environments`. */
export function environmentData(data: unknown, environment: string): Data {
  const { environments: _, ...base } = record(data) ?? {};
  const merged: Data = { ...base };
  for (const [key, value] of Object.entries(overridesOf(data, environment))) {
    if (ENVIRONMENT_ONLY.has(key)) continue;
    const into = record(base[key]);
    merged[key] = MERGED_BLOCKS.has(key) && into && record(value) ? { ...into, ...record(value) } : value;
  }
  return merged;
}

/**
 * Where a problem found in an environment's merged data is written in the file: under the environment
 * when it overrides that block or field, else at the top-level field it inherited.
 */
export function writtenAt(
  data: unknown,
  environment: string,
  path: DataPath,
): { path: DataPath; inherited: boolean } {
  const first = path[0];
  if (first !== undefined && first in overridesOf(data, environment))
    return { path: ['environments', environment, ...path], inherited: false };
  return { path, inherited: true };
}
