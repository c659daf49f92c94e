// GithubWebhooks: @octokit/webhooks' verify over exactly the bytes GitHub signed, and its typed routing
// of the documented example payloads (github.com and GitHub Enterprise Server).
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GithubWebhooks } from '../../../deployer/http/github-webhooks.ts';
import { propertyRuns } from '../../support/property-runs.ts';
import { githubEventNames, githubExamples, githubHosts } from '../domain/events/github-examples.ts';

const FILTER = { configDir: 'config', trackedRef: 'refs/heads/master' };
const sign = (secret: string, body: Uint8Array | string) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
const bytes = (text: string) => new TextEncoder().encode(text);
const webhooks = (secret: string) => new GithubWebhooks(secret, FILTER);

describe('GithubWebhooks.verify', () => {
  const secret = "It's a Secret to Everybody";
  // Example from GitHub's "Validating webhook deliveries" documentation.
  const documented = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';

  it.each([
    ['the documented example', secret, 'Hello, World!', documented, true],
    ['a wrong secret', 'other', 'Hello, World!', documented, false],
    ['a tampered body', secret, 'Hello, World!!', documented, false],
    ['a missing header', secret, 'Hello, World!', undefined, false],
    ['a sha1 header', secret, 'Hello, World!', 'sha1=0123', false],
    ['a garbage header', secret, 'Hello, World!', 'nonsense', false],
    [
      'an upper-case hex signature (GitHub sends lower case)',
      secret,
      'Hello, World!',
      documented.toUpperCase(),
      false,
    ],
    ['an empty body, which no GitHub delivery has', secret, '', sign(secret, ''), false],
  ] as const)('verify(bytes, signature) for %s is %s', async (_name, s, body, header, expected) => {
    expect((await webhooks(s).verify(bytes(body), header)) !== undefined).toBe(expected);
  });

  it('returns the text of a non-ASCII body signed as bytes', async () => {
    const payload = JSON.stringify({
      head_commit: { message: 'Déploie 🚀 la config', author: { name: 'Zoë' } },
    });
    expect(await webhooks('s3cret').verify(bytes(payload), sign('s3cret', bytes(payload)))).toBe(payload);
  });

  // Item 9 of issue 13: a lenient decode maps every invalid byte to U+FFFD, so the signature of one
  // byte string passed for another.
  it('returns undefined for bytes whose lenient decoding is the signed text (0xFF, 0xFE → U+FFFD)', async () => {
    const signedText = '{"a":"\uFFFD"}';
    const signature = sign('s3cret', signedText);
    for (const invalid of [0xff, 0xfe]) {
      const body = Buffer.concat([Buffer.from('{"a":"'), Buffer.from([invalid]), Buffer.from('"}')]);
      expect(body.toString('utf8')).toBe(signedText);
      expect(await webhooks('s3cret').verify(body, signature)).toBeUndefined();
      // GitHub sends UTF-8: invalid UTF-8 is refused even under its own signature.
      expect(await webhooks('s3cret').verify(body, sign('s3cret', body))).toBeUndefined();
    }
    expect(await webhooks('s3cret').verify(bytes(signedText), signature)).toBe(signedText);
  });

  it('returns undefined for a body that differs only by a byte order mark', async () => {
    const body = '{"zen":"x"}';
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body)]);
    expect(await webhooks('s3cret').verify(withBom, sign('s3cret', body))).toBeUndefined();
    expect(await webhooks('s3cret').verify(withBom, sign('s3cret', withBom))).toBe(`\uFEFF${body}`);
  });

  it('accepts exactly the signature of the bytes with the secret', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1, maxLength: 30 }),
        fc.string({ minLength: 1, maxLength: 300, unit: 'grapheme' }),
        fc.nat(63),
        async (secret, body, position) => {
          const subject = webhooks(secret);
          const good = sign(secret, bytes(body));
          expect(await subject.verify(bytes(body), good)).toBe(body);
          const index = 'sha256='.length + position;
          const tampered = good.slice(0, index) + (good[index] === '0' ? '1' : '0') + good.slice(index + 1);
          expect(await subject.verify(bytes(body), tampered)).toBeUndefined();
          expect(await webhooks(`${secret}x`).verify(bytes(body), good)).toBeUndefined();
        },
      ),
      { numRuns: propertyRuns(200) },
    );
  });
});

describe('GithubWebhooks.receive with the @octokit/webhooks-examples payloads', () => {
  const subject = webhooks('s3cret');

  it.each(githubExamples('ping').map((e, i) => [i, e]))(
    'returns ping for ping example %i',
    async (_i, example) => {
      expect(await subject.receive('d-1', 'ping', example)).toEqual({ kind: 'ping' });
    },
  );

  it('decides the documented branch push', async () => {
    const push = githubExamples('push').find((e) => e.ref === 'refs/heads/master') ?? {};
    expect(await subject.receive('d-1', 'push', push)).toMatchObject({
      kind: 'queue',
      hint: { deliveryId: 'd-1' },
    });
  });

  const others = githubEventNames().filter((name) => name !== 'push' && name !== 'ping');
  it('covers many other events', () => expect(others.length).toBeGreaterThan(20));
  it.each(others)('ignores the "%s" event with a reason naming it', async (name) => {
    for (const example of githubExamples(name))
      expect(await subject.receive('d-1', name, example)).toEqual({
        kind: 'ignored',
        reason: `event "${name}" is not a push`,
      });
  });

  it.each(['__proto__', 'constructor', 'toString', 'x'.repeat(5000)])(
    'ignores the unknown event name %s without calling a handler',
    async (name) => {
      const outcome = await subject.receive('d-1', name.slice(0, 20), {});
      expect(outcome.kind).toBe('ignored');
      expect(outcome.kind === 'ignored' && outcome.reason.length).toBeLessThan(150);
    },
  );

  it('throws for a push payload that breaks GitHub’s schema (the route answers 400)', async () => {
    await expect(subject.receive('d-1', 'push', { ref: 'refs/heads/master' })).rejects.toThrow();
  });

  const hosts = githubHosts.filter((h) => h.startsWith('ghes-'));
  it('finds several GHES releases', () => expect(hosts.length).toBeGreaterThan(2));
  it.each(hosts)('answers every %s example with an outcome, never a throw', async (host) => {
    for (const name of githubEventNames(host)) {
      for (const example of githubExamples(name, host)) {
        const outcome = await subject.receive('d-1', name, example);
        if (name === 'ping') expect(outcome).toEqual({ kind: 'ping' });
        else expect(['ignored', 'queue'], `${host} ${name}`).toContain(outcome.kind);
      }
    }
  });
});
