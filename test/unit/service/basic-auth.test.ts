import { describe, expect, it } from 'vitest';
import { createBasicAuthCheck, parseBasicAuth } from '../../../service/basic-auth.ts';

const encode = (text: string) => Buffer.from(text, 'utf8').toString('base64');

describe('parseBasicAuth', () => {
  it.each([
    [`Basic ${encode('alice:s3cret')}`, { user: 'alice', password: 's3cret' }],
    [`basic ${encode('alice:s3cret')}`, { user: 'alice', password: 's3cret' }],
    [`Basic ${encode('alice:pa:ss:word')}`, { user: 'alice', password: 'pa:ss:word' }],
    [`Basic ${encode('alice:')}`, { user: 'alice', password: '' }],
    [`Basic ${encode('jürgen:größe')}`, { user: 'jürgen', password: 'größe' }],
  ])('parseBasicAuth(%j) decodes the credentials', (header, expected) => {
    expect(parseBasicAuth(header)).toEqual(expected);
  });

  it.each([
    ['no header', undefined],
    ['empty header', ''],
    ['another scheme', 'Bearer abc.def'],
    ['scheme only', 'Basic'],
    ['scheme and blank', 'Basic   '],
    ['not base64', 'Basic !!!'],
    [
      'base64 with junk inside',
      `Basic ${encode('alice:s3cret').slice(0, 4)}*${encode('alice:s3cret').slice(4)}`,
    ],
    ['base64 without padding', `Basic ${encode('alice:s3cre').replace(/=+$/, '')}`],
    ['two tokens', `Basic ${encode('a:b')} ${encode('c:d')}`],
    ['no colon', `Basic ${encode('alices3cret')}`],
    ['invalid UTF-8', `Basic ${Buffer.from([0x61, 0x3a, 0xff, 0xfe]).toString('base64')}`],
  ])('parseBasicAuth returns undefined for %s', (_name, header) => {
    expect(parseBasicAuth(header)).toBeUndefined();
  });
});

describe('createBasicAuthCheck', () => {
  const check = createBasicAuthCheck({ user: 'alice', password: 's3cret' });

  it('accepts the expected credentials', () => {
    expect(check(`Basic ${encode('alice:s3cret')}`)).toBe(true);
  });

  it('accepts non-canonical but valid spellings (scheme case, extra spaces) through the full parse', () => {
    expect(check(`basic ${encode('alice:s3cret')}`)).toBe(true);
    expect(check(`BASIC   ${encode('alice:s3cret')}  `)).toBe(true);
  });

  it.each([
    ['wrong password', `Basic ${encode('alice:s3cre7')}`],
    ['wrong user', `Basic ${encode('bob:s3cret')}`],
    ['password as a prefix', `Basic ${encode('alice:s3cretX')}`],
    ['user with the colon moved', `Basic ${encode('alice:s3:cret')}`],
    ['case-changed user', `Basic ${encode('Alice:s3cret')}`],
    ['missing header', undefined],
    ['malformed header', 'Basic %%%'],
  ])('rejects %s', (_name, header) => {
    expect(check(header)).toBe(false);
  });

  it('rejects a malformed header even when the expected credentials are the fallback value', () => {
    const odd = createBasicAuthCheck({ user: '', password: '\u0000' });
    expect(odd('Basic !!!')).toBe(false);
    expect(odd(undefined)).toBe(false);
  });
});

describe('createBasicAuthCheck remembers headers that passed', () => {
  it('keeps accepting a verified header and keeps rejecting wrong ones of the same length', () => {
    const check = createBasicAuthCheck({ user: 'alice', password: 's3cret' });
    const good = `Basic ${encode('alice:s3cret')}`;
    const wrong = `Basic ${encode('alice:s3cre7')}`;
    expect(wrong).toHaveLength(good.length);
    for (let i = 0; i < 3; i += 1) {
      expect(check(good)).toBe(true);
      expect(check(wrong)).toBe(false);
    }
  });

  it('still verifies every spelling once more spellings passed than it remembers', () => {
    const check = createBasicAuthCheck({ user: 'alice', password: 's3cret' });
    const spellings = Array.from(
      { length: 40 },
      (_, spaces) => `Basic ${encode('alice:s3cret')}${' '.repeat(spaces)}`,
    );
    for (const spelling of spellings) expect(check(spelling)).toBe(true);
    for (const spelling of spellings) expect(check(spelling)).toBe(true);
    expect(check(`Basic ${encode('alice:wrong!')}`)).toBe(false);
  });
});
