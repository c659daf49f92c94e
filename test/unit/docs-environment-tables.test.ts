// Environment tables in docs/ (first column "Variable"): each variable is documented once per
// table, so a reader never meets two defaults or two meanings for the same name.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const DOCS = path.resolve(import.meta.dirname, '../../docs');

/** Each Markdown table whose first header cell is `Variable`, as the list of its first-column cells. */
function variableTables(markdown: string): string[][] {
  const tables: string[][] = [];
  let current: string[] | undefined;
  for (const line of markdown.split('\n')) {
    const cells = line.startsWith('|') ? line.split('|').map((cell) => cell.trim()) : undefined;
    if (!cells) {
      current = undefined;
    } else if (current === undefined) {
      if (cells[1] === 'Variable') {
        current = [];
        tables.push(current);
      }
    } else if (!/^-+$/.test(cells[1] ?? '')) {
      current.push(cells[1] ?? '');
    }
  }
  return tables;
}

describe('environment tables in docs/', () => {
  const files = readdirSync(DOCS).filter((file) => file.endsWith('.md'));

  it('exist (the check below would pass vacuously otherwise)', () => {
    const tables = files.flatMap((file) => variableTables(readFileSync(path.join(DOCS, file), 'utf8')));
    expect(tables.length).toBeGreaterThan(0);
  });

  it.each(files)('%s documents each variable once per table', (file) => {
    for (const variables of variableTables(readFileSync(path.join(DOCS, file), 'utf8'))) {
      const repeated = variables.filter((variable, index) => variables.indexOf(variable) !== index);
      expect(repeated).toEqual([]);
    }
  });
});
