// HTTP Basic authentication (RFC 7617) with a constant-time check. Both sides are hashed first so
// timingSafeEqual always compares equal-length buffers and the comparison time says nothing about
// the length or the content of the expected credentials.
import { hash, timingSafeEqual } from 'node:crypto';

export interface Credentials {
  user: string;
  password: string;
}

export const BASIC_AUTH_CHALLENGE = 'Basic realm="actors", charset="UTF-8"';

// Canonical base64 only: Buffer.from(…, 'base64') silently skips junk, which would let malformed
// headers through to the comparison.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes an `Authorization: Basic …` header; undefined for anything malformed. Never throws. */
export function parseBasicAuth(header: string | undefined): Credentials | undefined {
  if (header === undefined) return undefined;
  const match = /^Basic[ ]+(\S+)[ ]*$/i.exec(header);
  const encoded = match?.[1];
  if (encoded === undefined || !BASE64.test(encoded)) return undefined;
  let decoded: string;
  try {
    decoded = utf8.decode(Buffer.from(encoded, 'base64'));
  } catch {
    return undefined;
  }
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

// SHA-256 as hex, then as bytes: the one-shot hex form is several times cheaper than a Hash object
// or a Buffer digest, and it runs on every request.
function sha256(text: string): Buffer {
  return Buffer.from(hash('sha256', text, 'hex'), 'latin1');
}

function digest(credentials: Credentials): Buffer {
  // The user may not contain ':' (RFC 7617; settings enforce it), so `user:password` is unambiguous.
  return sha256(`${credentials.user}:${credentials.password}`);
}

/** How many distinct header spellings that passed the check are remembered (a client sends one). */
const MAX_VERIFIED_HEADERS = 16;

/** Returns a check that answers whether an Authorization header carries the expected credentials. */
export function createBasicAuthCheck(expected: Credentials): (header: string | undefined) => boolean {
  const expectedDigest = digest(expected);
  // Fast path: clients send the canonical header, so one hash of it settles most requests without
  // decoding. Variants (lower-case scheme, extra spaces) take the full path below.
  const canonicalDigest = sha256(
    `Basic ${Buffer.from(`${expected.user}:${expected.password}`, 'utf8').toString('base64')}`,
  );
  const verify = (header: string | undefined): boolean => {
    if (header !== undefined && timingSafeEqual(sha256(header), canonicalDigest)) return true;
    const given = parseBasicAuth(header);
    // Hash something even for malformed headers so every rejection costs about the same.
    const givenDigest = digest(given ?? { user: '', password: '\u0000' });
    return timingSafeEqual(givenDigest, expectedDigest) && given !== undefined;
  };
  // Headers that already passed: a repeat is settled by one Set lookup instead of a hash per request.
  // Only verified headers are kept, so a wrong guess always takes the constant-time path above;
  // the lookup itself compares strings only on a (seeded) hash match, so its timing does not reveal
  // how much of a guess matches a remembered header.
  const verified = new Set<string>();
  return (header) => {
    if (header !== undefined && verified.has(header)) return true;
    const ok = verify(header);
    if (ok && header !== undefined && verified.size < MAX_VERIFIED_HEADERS) verified.add(header);
    return ok;
  };
}
