// Dotted field names for messages (`cdn.paths.0`), and how ajv's JSON pointers turn into data paths.
import type { DataPath } from './yaml-locations.ts';

export function dotted(path: DataPath): string {
  return path.map(String).join('.');
}

/** `/cdn/paths/0` → ['cdn', 'paths', 0]; `~1` and `~0` unescaped as RFC 6901 says. */
export function fromPointer(pointer: string, data: unknown): (string | number)[] {
  if (pointer === '') return [];
  const path: (string | number)[] = [];
  let node: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const index = Array.isArray(node) && /^\d+$/.test(segment) ? Number(segment) : segment;
    path.push(index);
    node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[segment] : undefined;
  }
  return path;
}

/** Describes a YAML value the way a YAML author thinks of it. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)}`;
  return `the ${typeof value} ${String(value)}`;
}
