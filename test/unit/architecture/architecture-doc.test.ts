// docs/architecture.md walks the two flows through the code file by file: every path it names must
// exist, so a rename or a split that forgets the map fails here instead of misleading a reader. The doc
// writes paths from deployer/ (its stated convention) or from the repository root (infra/, local/,
// test/, ...); a bare file name would be ambiguous and is refused too.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const DOC = path.join(ROOT, 'docs/architecture.md');

/** A file or directory name: a path with an extension, or ending in `/`. */
const PATH_LIKE = /^[\w.-]+(?:\/[\w.-]+)*(?:\/|\.(?:ts|json|md|yaml|yml))$/;

function namedPaths(markdown: string): string[] {
  const inCode = [...markdown.matchAll(/`([^`\n]+)`/g)].map((match) => match[1] ?? '');
  // The layer diagram: the first column of each line of the fenced block (`startup/ + main.ts ...`).
  const diagram = /```text\n([\s\S]*?)```/.exec(markdown)?.[1] ?? '';
  const columns = diagram.split('\n').flatMap(
    (line) =>
      line
        .trim()
        .split(/\s{2,}/)[0]
        ?.split(/\s+/) ?? [],
  );
  return [...new Set([...inCode, ...columns].filter((token) => PATH_LIKE.test(token)))];
}

const exists = (named: string): boolean =>
  existsSync(path.join(ROOT, named)) || existsSync(path.join(ROOT, 'deployer', named));

describe('docs/architecture.md', () => {
  const named = namedPaths(readFileSync(DOC, 'utf8'));

  it('names only files and directories that exist (from deployer/ or the repository root)', () => {
    expect(named.filter((name) => !exists(name))).toEqual([]);
  });

  it('walks the code file by file (the check sees the paths it should)', () => {
    expect(named.length).toBeGreaterThan(40);
    expect(named).toContain('runtime/reconcile.ts');
    expect(named).toContain('http/webhook-route.ts');
    expect(exists('runtime/no-such-file.ts')).toBe(false);
    expect(namedPaths('see `runtime/gone.ts` and `x`\n```text\nfoo/   the foo layer\n```')).toEqual([
      'runtime/gone.ts',
      'foo/',
    ]);
  });
});
