// Prints aligned text tables (and, with BENCH_MARKDOWN=1, Markdown tables to paste into docs).

export type Row = readonly (string | number)[];

export function renderTable(headers: readonly string[], rows: readonly Row[]): string {
  const cells = [headers, ...rows].map((row) => row.map((cell) => String(cell)));
  const widths = headers.map((_, column) => Math.max(...cells.map((row) => (row[column] ?? '').length)));
  const line = (row: readonly string[]) =>
    row
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  if (process.env.BENCH_MARKDOWN === '1') {
    const md = (row: readonly string[]) =>
      `| ${row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`;
    const rule = `| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |`;
    return [md(cells[0] ?? []), rule, ...cells.slice(1).map(md)].join('\n');
  }
  return [
    line(cells[0] ?? []),
    line(widths.map((width) => '-'.repeat(width))),
    ...cells.slice(1).map(line),
  ].join('\n');
}

export function printTable(title: string, headers: readonly string[], rows: readonly Row[]): void {
  process.stdout.write(`\n${title}\n${renderTable(headers, rows)}\n`);
}
