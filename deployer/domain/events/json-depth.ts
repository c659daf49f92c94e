// How deeply a JSON text nests, found by one linear scan before JSON.parse: a 1 MB body of `[[[[…`
// (500k levels) makes JSON.parse and everything that walks the result block the event loop for
// seconds, while no webhook GitHub sends nests deeper than about ten levels.

/** Nesting limit for webhook bodies: far above any GitHub payload, far below a slow parse. */
export const MAX_JSON_DEPTH = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/**
 * True when `text` opens more than `max` arrays/objects inside each other. Brackets inside strings
 * do not count. Stops at the first level over the limit; malformed JSON is left to JSON.parse.
 */
export function jsonDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === BACKSLASH) index += 1;
      else if (code === QUOTE) inString = false;
    } else if (code === QUOTE) {
      inString = true;
    } else if (code === OPEN_BRACKET || code === OPEN_BRACE) {
      depth += 1;
      if (depth > max) return true;
    } else if (code === CLOSE_BRACKET || code === CLOSE_BRACE) {
      depth -= 1;
    }
  }
  return false;
}
