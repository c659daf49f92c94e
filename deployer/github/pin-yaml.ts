// Pure: writes `image.pin` into a service file's text, keeping everything else byte for byte (comments,
// quoting, flow collections, blank lines). The YAML library locates the spot; the edit is a splice of
// one line, and the result is parsed back and compared with the intended data before it is used.
// `track` stays: with a pin beside it, the pin holds the policy until the pin is removed.
import { isMap, isScalar, parseDocument, Scalar, type YAMLMap } from 'yaml';

export type PinEdit = { ok: true; text: string; changed: boolean } | { ok: false; reason: string };

/**
 * Sets `image.pin` to `pin` with `comment` after it on the same line. `changed` is false when the
 * file already pins exactly that value (git already agrees: no pull request needed).
 */
export function pinServiceYaml(
  text: string,
  pin: string,
  comment: string,
  /** Whether a pin already in the file stands for the same image (a digest, a reference to it). */
  samePin: (current: string) => boolean = (current) => current === pin,
): PinEdit {
  const doc = parseDocument(text);
  if (doc.errors.length > 0)
    return { ok: false, reason: `the file is not valid YAML: ${doc.errors[0]?.message}` };
  const image = doc.get('image', true);
  if (!isMap(image)) return { ok: false, reason: 'the file has no `image` mapping' };
  const current = image.get('pin');
  if (typeof current === 'string' && samePin(current)) return { ok: true, text, changed: false };

  const intended = doc.toJS() as { image: Record<string, unknown> };
  intended.image.pin = pin;
  const note = oneLine(comment);
  const spliced = image.flow ? undefined : splice(text, image, pin, note);
  if (spliced !== undefined && sameData(spliced, intended)) return { ok: true, text: spliced, changed: true };

  // A flow mapping (`image: { repository: a }`) or an unusual layout: let the library write it.
  const value = new Scalar(pin);
  value.type = Scalar.QUOTE_DOUBLE;
  value.comment = ` ${note}`;
  image.set('pin', value);
  const written = doc.toString({ lineWidth: 0, flowCollectionPadding: false });
  if (sameData(written, intended)) return { ok: true, text: written, changed: true };
  return { ok: false, reason: 'the pin could not be written without changing other values' };
}

function splice(text: string, image: YAMLMap, pin: string, note: string): string | undefined {
  const line = `pin: ${JSON.stringify(pin)} # ${note}`;
  const pinPair = image.items.find((pair) => isScalar(pair.key) && pair.key.value === 'pin');
  if (pinPair) {
    // Replace the value and whatever followed it on its line (an old comment).
    const value = pinPair.value;
    const key = pinPair.key;
    if (!isScalar(value) || !value.range || !isScalar(key) || !key.range) return undefined;
    const end = lineEnd(text, value.range[1]);
    if (text.slice(key.range[0], end).includes('\n')) return undefined;
    return `${text.slice(0, key.range[0])}${line}${text.slice(end)}`;
  }
  // Insert after the `repository:` line, at its indentation.
  const repository = image.items.find((pair) => isScalar(pair.key) && pair.key.value === 'repository');
  const key = repository?.key;
  const value = repository?.value;
  if (!isScalar(key) || !key.range || !isScalar(value) || !value.range) return undefined;
  const lineStart = text.lastIndexOf('\n', key.range[0] - 1) + 1;
  const indent = text.slice(lineStart, key.range[0]);
  if (!/^[ ]*$/.test(indent)) return undefined;
  const end = lineEnd(text, value.range[1]);
  if (text.slice(key.range[0], end).includes('\n')) return undefined;
  const newline = text.includes('\r\n') ? '\r\n' : '\n';
  const after = text.slice(end);
  const rest = after.startsWith(newline) ? after.slice(newline.length) : after;
  return `${text.slice(0, end)}${newline}${indent}${line}${newline}${rest}`;
}

/** Offset of the end of the line holding `offset` (before its line break). */
function lineEnd(text: string, offset: number): number {
  const found = text.slice(offset).search(/\r?\n/);
  return found === -1 ? text.length : offset + found;
}

function sameData(text: string, intended: unknown): boolean {
  const doc = parseDocument(text);
  return doc.errors.length === 0 && canonical(doc.toJS()) === canonical(intended);
}

/** JSON with keys sorted: where the pin line sits is not a difference in data. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}

/** A YAML comment must stay on its line. */
function oneLine(comment: string): string {
  const flat = comment.replace(/\s+/g, ' ').trim();
  return flat.length <= 120 ? flat : `${flat.slice(0, 119)}…`;
}
