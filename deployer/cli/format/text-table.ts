// Aligned plain-text tables for terminals: columns padded to their widest cell, two spaces apart.

/** Wraps a body cell after padding (colour), so escape codes never count towards the width. */
export type CellStyle = (cell: string, column: number) => (text: string) => string;

export function textTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  style?: CellStyle,
): string {
  const widths = header.map((title, i) => Math.max(width(title), ...rows.map((row) => width(row[i] ?? ''))));
  const line = (cells: readonly string[], styled: boolean) =>
    cells
      .map((cell, i) => {
        const padding = i === cells.length - 1 ? '' : ' '.repeat((widths[i] ?? 0) - width(cell));
        return (styled && style ? style(cell, i)(cell) : cell) + padding;
      })
      .join('  ')
      .trimEnd();
  return [line(header, false), ...rows.map((row) => line(row, true))].join('\n');
}

/** Display width, counting each code point once (enough for the arrows and dashes we print). */
function width(text: string): number {
  return [...text].length;
}

/** Removes control characters so names and reasons from config or ECS cannot rewrite the terminal. */
export function printable(text: string | undefined | null): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
  return (text ?? '').replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
}
