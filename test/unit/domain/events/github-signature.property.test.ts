// verifyGithubSignature over the raw bytes GitHub signs: non-ASCII payloads (commit messages with
// emoji, names with accents) and generated bodies, secrets and single-character tampering.
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { verifyGithubSignature } from '../../../../deployer/domain/events/github-signature.ts';

const sign = (secret: string, body: Uint8Array | string) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

describe('verifyGithubSignature on raw bytes', () => {
  const payload = JSON.stringify({
    head_commit: { message: 'Déploie 🚀 la config', author: { name: 'Zoë' } },
  });
  const bytes = new TextEncoder().encode(payload);

  it('returns true for a non-ASCII body given as the bytes GitHub signed', async () => {
    expect(await verifyGithubSignature('s3cret', bytes, sign('s3cret', bytes))).toBe(true);
  });

  it('returns true for the same body given as text', async () => {
    expect(await verifyGithubSignature('s3cret', payload, sign('s3cret', bytes))).toBe(true);
  });

  it('returns false for an empty secret, even with a matching signature', async () => {
    expect(await verifyGithubSignature('', payload, sign('', payload))).toBe(false);
  });

  it('returns false for an empty body, which no GitHub delivery has', async () => {
    expect(await verifyGithubSignature('s3cret', '', sign('s3cret', ''))).toBe(false);
  });

  it('returns false for an upper-case hex signature (GitHub sends lower case)', async () => {
    expect(await verifyGithubSignature('s3cret', payload, sign('s3cret', payload).toUpperCase())).toBe(false);
  });
});

describe('verifyGithubSignature properties', () => {
  it('accepts exactly the signature of the body with the secret', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1, maxLength: 30 }),
        fc.string({ minLength: 1, maxLength: 300, unit: 'grapheme' }),
        fc.nat(63),
        async (secret, body, position) => {
          const good = sign(secret, body);
          expect(await verifyGithubSignature(secret, body, good)).toBe(true);
          const index = 'sha256='.length + position;
          const flipped = good[index] === '0' ? '1' : '0';
          const tampered = good.slice(0, index) + flipped + good.slice(index + 1);
          expect(await verifyGithubSignature(secret, body, tampered)).toBe(false);
          expect(await verifyGithubSignature(`${secret}x`, body, good)).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });
});
