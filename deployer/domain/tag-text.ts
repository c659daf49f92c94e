// Free text (a commit message, an author's name) as an ECS tag value and back. ECS accepts at most 256
// Unicode characters per value, only letters, numbers, separators (\p{L} \p{Z} \p{N}) and `_ . : / = + - @`,
// and reserves the `aws:` prefix (API reference, Tag: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Tag.html,
// pattern ^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$). A commit message holds commas, quotes, newlines, emoji.
// So every other character is written as its UTF-8 bytes `=XX` (quoted-printable style; `=` itself is
// `=3D`): readable in the console, exact when read back, and always a valid value. Text longer than
// the limit is cut at a character boundary and ends with an (encoded) ellipsis.

/** ECS: maximum tag value length, in Unicode characters. */
export const TAG_VALUE_MAX = 256;
/** ECS: maximum tag key length, in Unicode characters. */
export const TAG_KEY_MAX = 128;
/** ECS: maximum tags on one resource. */
export const TAGS_PER_RESOURCE_MAX = 50;
/** What ECS accepts in a tag key or value (the API's pattern). */
export const TAG_PATTERN = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

const KEPT = /^[\p{L}\p{Z}\p{N}_.:/+\-@]$/u;
const ELLIPSIS = escapeCharacter('…');

function escapeCharacter(character: string): string {
  return [...new TextEncoder().encode(character)]
    .map((byte) => `=${byte.toString(16).toUpperCase().padStart(2, '0')}`)
    .join('');
}

/** Text as a valid ECS tag value of at most `max` characters (default 256). */
export function encodeTagText(text: string, max = TAG_VALUE_MAX): string {
  const pieces = [...text].map((character) =>
    KEPT.test(character) ? character : escapeCharacter(character),
  );
  // `aws:` (any case) is reserved as a prefix: escaping its first letter keeps the value ours.
  if (/^aws:/i.test(pieces.slice(0, 4).join(''))) pieces[0] = escapeCharacter(pieces[0] as string);
  const length = (piece: string) => [...piece].length;
  const total = pieces.reduce((sum, piece) => sum + length(piece), 0);
  if (total <= max) return pieces.join('');
  let kept = '';
  let used = 0;
  for (const piece of pieces) {
    if (used + length(piece) > max - ELLIPSIS.length) break;
    kept += piece;
    used += length(piece);
  }
  return `${kept}${ELLIPSIS}`;
}

/** The text an encoded value stands for; bytes that are not UTF-8 read as U+FFFD, never throw. */
export function decodeTagText(value: string): string {
  return value.replace(/(?:=[0-9A-F]{2})+/g, (run) => {
    const bytes = Uint8Array.from(run.slice(1).split('='), (hex) => Number.parseInt(hex, 16));
    return new TextDecoder().decode(bytes);
  });
}

/** Whether ECS accepts this key/value pair (length, characters, the reserved prefix). */
export function isValidTag(key: string, value: string): boolean {
  const reserved = /^aws:/i;
  return (
    [...key].length >= 1 &&
    [...key].length <= TAG_KEY_MAX &&
    [...value].length <= TAG_VALUE_MAX &&
    TAG_PATTERN.test(key) &&
    TAG_PATTERN.test(value) &&
    !reserved.test(key) &&
    !reserved.test(value)
  );
}
