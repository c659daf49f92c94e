// Colour for terminals only: sync states as on the dashboard's badges. Off when NO_COLOR is set
// (https://no-color.org), TERM is dumb, or stdout is not a terminal; FORCE_COLOR turns it on.

const CODES = { green: 32, red: 31, yellow: 33, blue: 34, grey: 90 } as const;
export type Colour = keyof typeof CODES;

const STATE_COLOURS: Record<string, Colour> = {
  Synced: 'green',
  OutOfSync: 'yellow',
  Progressing: 'blue',
  Degraded: 'yellow',
  Failed: 'red',
  Suspended: 'grey',
  Unknown: 'grey',
};

export type Paint = (text: string, colour: Colour | undefined) => string;

export const noPaint: Paint = (text) => text;
export const ansiPaint: Paint = (text, colour) =>
  colour ? `\u001b[${CODES[colour]}m${text}\u001b[0m` : text;

export function paintFor(env: NodeJS.ProcessEnv, isTty: boolean): Paint {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return noPaint;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return ansiPaint;
  return isTty && env.TERM !== 'dumb' ? ansiPaint : noPaint;
}

/** The colour of a STATE cell: its first word is the sync state (`Failed`, `Synced (suspended)`). */
export function stateColour(cell: string): Colour | undefined {
  return STATE_COLOURS[cell.split(' ')[0] ?? ''];
}
