import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyGithubSignature } from '../../../deployer/domain/events/github-signature.ts';

const secret = "It's a Secret to Everybody";
const body = 'Hello, World!';
// Example from GitHub's "Validating webhook deliveries" documentation.
const documented = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';
const sign = (s: string, b: string) => `sha256=${createHmac('sha256', s).update(b).digest('hex')}`;

describe('verifyGithubSignature', () => {
  it.each([
    ['documented example', secret, body, documented, true],
    ['bytes body', secret, new TextEncoder().encode(body), documented, true],
    ['wrong secret', 'other', body, documented, false],
    ['tampered body', secret, `${body}!`, documented, false],
    ['missing header', secret, body, undefined, false],
    ['sha1 header', secret, body, 'sha1=0123', false],
    ['garbage header', secret, body, 'nonsense', false],
    ['computed', 's3', '{"a":1}', sign('s3', '{"a":1}'), true],
  ] as const)('%s', async (_n, s, b, header, expected) => {
    expect(await verifyGithubSignature(s, b, header)).toBe(expected);
  });
});
