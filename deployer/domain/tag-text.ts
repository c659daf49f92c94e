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
const utf8 = new TextEncoder();
const ELLIPSIS = escapeCharacter('…');

function escapeCharacter(character: string): string {
  let escaped = '';
  for (const byte of utf8.encode(character))
    escaped += `=${byte < 16 ? '0' : ''}${byte.toString(16).toUpperCase()}`;
  return escaped;
}

/** Text as a valid ECS tag value of at most `max` characters (default 256). */
export function encodeTagText(text: string, max = TAG_VALUE_MAX): string {
  // One piece per character: itself (one character long) or its escape (ASCII, as long as it is).
  const pieces: string[] = [];
  let total = 0;
  for (const character of text) {
    const piece = KEPT.test(character) ? character : escapeCharacter(character);
    pieces.push(piece);
    total += piece === character ? 1 : piece.length;
    if (total > max + ELLIPSIS.length) break; // cut below anyway: no need to look further
  }
  // `aws:` (any case) is reserved as a prefix: escaping its first letter keeps the value ours.
  if (/^aws:/i.test(pieces.slice(0, 4).join(''))) {
    const first = pieces[0] as string;
    pieces[0] = escapeCharacter(first);
    total += pieces[0].length - 1;
  }
  if (total <= max) return pieces.join('');
  let kept = '';
  let used = 0;
  for (const piece of pieces) {
    const size = piece.startsWith('=') ? piece.length : 1;
    if (used + size > max - ELLIPSIS.length) break;
    kept += piece;
    used += size;
  }
  return `${kept}${ELLIPSIS}`;
}

const utf8Decoder = new TextDecoder();

/** The text an encoded value stands for; bytes that are not UTF-8 read as U+FFFD, never throw. */
export function decodeTagText(value: string): string {
  return value.replace(/(?:=[0-9A-F]{2})+/g, (run) => {
    const bytes = Uint8Array.from(run.slice(1).split('='), (hex) => Number.parseInt(hex, 16));
    return utf8Decoder.decode(bytes);
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
