// Maps a path inside the parsed data (['image', 'pin']) back to a line and column in the YAML text, so
// every config error points at the exact place to fix.
import { type Document, isMap, isScalar, isSeq, type LineCounter, type Node } from 'yaml';

export type DataPath = readonly (string | number)[];

/** 1-based line and column. */
export interface Position {
  line: number;
  column: number;
}

/** `key` points at a field's name (unknown or missing fields), `value` at what it holds (wrong values). */
export type Anchor = 'key' | 'value';

export function positionAt(lineCounter: LineCounter, offset: number): Position {
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}

function start(node: unknown): number | undefined {
  const range = (node as Node | null | undefined)?.range;
  return range ? range[0] : undefined;
}

interface Found {
  key?: unknown;
  value?: unknown;
}

/** Walks as deep as the document goes along `path`; stops at aliases, scalars and missing entries. */
function walk(doc: Document, path: DataPath): Found {
  let found: Found = { value: doc.contents };
  for (const segment of path) {
    const node = found.value;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) break;
      found = { key: pair.key, value: pair.value };
    } else if (isSeq(node) && typeof segment === 'number' && node.items[segment] !== undefined) {
      found = { value: node.items[segment] };
    } else {
      break;
    }
  }
  return found;
}

/** Position of the node at `path` (or of the deepest ancestor that exists); 1:1 for an empty document. */
export function locate(doc: Document, lineCounter: LineCounter, path: DataPath, anchor: Anchor): Position {
  const found = walk(doc, path);
  // An empty value (`cdn:` with nothing after it) has no text of its own: point at its key instead.
  const range = (found.value as Node | null | undefined)?.range;
  const emptyValue = range !== undefined && range !== null && range[0] === range[1];
  const preferred = anchor === 'key' || emptyValue ? [found.key, found.value] : [found.value, found.key];
  for (const node of preferred) {
    const offset = start(node);
    if (offset !== undefined) return positionAt(lineCounter, offset);
  }
  return { line: 1, column: 1 };
}

/** The source text of a scalar at `path` (e.g. `1.10` before YAML turned it into the number 1.1). */
export function sourceText(doc: Document, text: string, path: DataPath): string | undefined {
  const { value } = walk(doc, path);
  if (!isScalar(value) || !value.range) return undefined;
  return text.slice(value.range[0], value.range[1]);
}
