import { describe, expect, it } from 'vitest';
import { bearerToken, tokenMatches } from '../../../deployer/http/bearer-auth.ts';

describe('tokenMatches', () => {
  it.each([
    ['the same token', 'secret-token', 'secret-token', true],
    ['a different token', 'secret-token', 'secret-tokem', false],
    ['a prefix', 'secret-token', 'secret', false],
    ['a longer token', 'secret-token', 'secret-token-and-more', false],
    ['nothing presented', 'secret-token', undefined, false],
    ['no token configured', undefined, 'anything', false],
    ['empty configured and presented', '', '', false],
  ])('tokenMatches(expected, presented) with %s returns %s', (_name, expected, presented, result) => {
    expect(tokenMatches(expected, presented)).toBe(result);
  });
});

describe('bearerToken', () => {
  it.each([
    ['Bearer abc', 'abc'],
    ['bearer abc', 'abc'],
    ['Bearer   abc  ', 'abc'],
    ['Basic abc', undefined],
    ['Bearer', undefined],
    ['Bearer a b', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('bearerToken(%j) returns %j', (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });
});
