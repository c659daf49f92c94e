// The shape docs/architecture.md promises, checked over the import graph of deployer/ (every .ts file
// except tests, type-only imports included: a circle of types is still a circle of concerns):
// no file over 300 lines, no import circles, the layers only lean inwards, and a service's sync status
// has the writers status-store.ts names, each called from its one file.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const DEPLOYER = path.join(ROOT, 'deployer');
const IMPORT = /^\s*(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\s+from\s+)?['"](\.{1,2}\/[^'"]+)['"]/gm;
const DYNAMIC = /\bimport\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

const files = sourceFiles(DEPLOYER);
const text = new Map(files.map((file) => [file, readFileSync(file, 'utf8')]));
const rel = (file: string) => path.relative(ROOT, file);

/** Local imports of each file, as absolute paths. */
const graph = new Map(
  files.map((file) => {
    const source = text.get(file) ?? '';
    const specifiers = [...source.matchAll(IMPORT), ...source.matchAll(DYNAMIC)].map((m) => m[1] ?? '');
    return [file, [...new Set(specifiers.map((s) => path.resolve(path.dirname(file), s)))]];
  }),
);

/** Strongly connected components with more than one file (or a file importing itself): Tarjan. */
function circles(): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (file: string): void => {
    index.set(file, counter);
    low.set(file, counter);
    counter += 1;
    stack.push(file);
    onStack.add(file);
    for (const next of graph.get(file) ?? []) {
      if (!graph.has(next)) continue;
      if (!index.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file) ?? 0, low.get(next) ?? 0));
      } else if (onStack.has(next)) low.set(file, Math.min(low.get(file) ?? 0, index.get(next) ?? 0));
    }
    if (low.get(file) !== index.get(file)) return;
    const component: string[] = [];
    for (let member = stack.pop(); member !== undefined; member = stack.pop()) {
      onStack.delete(member);
      component.push(rel(member));
      if (member === file) break;
    }
    if (component.length > 1 || (graph.get(file) ?? []).includes(file)) found.push(component.sort());
  };
  for (const file of files) if (!index.has(file)) visit(file);
  return found;
}

/**
 * The StatusStore methods that write a service's sync status, and the one file each is called from:
 * reconcile's verdict, and the moments status-store.ts explains (live progress, a changed config,
 * a suspension, a failed rebuild). A new writer is added here on purpose, with its reason in the store.
 */
const SYNC_WRITERS: Record<string, string> = {
  reconciled: 'deployer/runtime/reconcile.ts',
  rolloutStarted: 'deployer/runtime/rollout/run-rollout.ts',
  configChanged: 'deployer/runtime/intake.ts',
  suspensionShown: 'deployer/runtime/suspensions.ts',
  rebuildFailed: 'deployer/runtime/rebuild-status.ts',
  observed: 'deployer/runtime/status-refresh.ts',
};
const STATUS_STORE = path.join(DEPLOYER, 'runtime/status-store.ts');

/** The methods of status-store.ts whose body writes a sync status (calls `#sync`). */
function storeMethodsWritingSync(): string[] {
  const source = text.get(STATUS_STORE) ?? '';
  const starts = [...source.matchAll(/^ {2}(#?\w+)\(/gm)];
  return starts
    .filter((start, i) => {
      const body = source.slice(start.index, starts[i + 1]?.index ?? source.length);
      return start[1] !== '#sync' && /#sync\(/.test(body);
    })
    .map((start) => start[1] ?? '');
}

/** The layer a file belongs to: its first directory under deployer/ (or the file for top-level ones). */
const layerOf = (file: string) => path.relative(DEPLOYER, file).split(path.sep)[0] ?? '';

describe('deployer/ shape', () => {
  it('has no file over 300 lines', () => {
    const long = files
      .map((file) => ({ file: rel(file), lines: (text.get(file) ?? '').split('\n').length }))
      .filter(({ lines }) => lines > 300);
    expect(long).toEqual([]);
  });

  it('has no import circles', () => {
    expect(circles()).toEqual([]);
  });

  it('keeps the domain free of every other layer', () => {
    const outward = files
      .filter((file) => layerOf(file) === 'domain')
      .flatMap((file) =>
        (graph.get(file) ?? [])
          .filter((target) => target.startsWith(DEPLOYER) && layerOf(target) !== 'domain')
          .map((target) => `${rel(file)} -> ${rel(target)}`),
      );
    expect(outward).toEqual([]);
  });

  it('writes a sync status only through the named store writers, each from its own file', () => {
    expect(storeMethodsWritingSync().sort()).toEqual(Object.keys(SYNC_WRITERS).sort());
    const call = new RegExp(`\\.(${Object.keys(SYNC_WRITERS).join('|')})\\(`, 'g');
    const callers = files
      .filter((file) => file !== STATUS_STORE)
      .flatMap((file) => [...(text.get(file) ?? '').matchAll(call)].map((m) => `${m[1]} <- ${rel(file)}`));
    expect([...new Set(callers)].sort()).toEqual(
      Object.entries(SYNC_WRITERS)
        .map(([method, file]) => `${method} <- ${file}`)
        .sort(),
    );
    // Nor around the writers, through store.update(name, (s) => { s.sync = ... }).
    const assigned = files
      .filter((file) => file !== STATUS_STORE && /\.sync\s*=[^=]/.test(text.get(file) ?? ''))
      .map(rel);
    expect(assigned).toEqual([]);
  });

  it('sees the whole tree (the walk itself works)', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(graph.get(path.join(DEPLOYER, 'main.ts'))?.length).toBeGreaterThan(3);
  });
});
