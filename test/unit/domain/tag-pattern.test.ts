// Tag patterns run on a linear-time engine: the catastrophic patterns that made backtracking regexes
// and picomatch extglobs hang the event loop for seconds to hours come back at once here (this test
// would time out on a backtracking engine), and what RE2 cannot run is refused with a clear message.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseConfigFiles } from '../../../deployer/domain/config/parse-config-files.ts';
import { chooseImage } from '../../../deployer/domain/policy/choose-image.ts';
import {
  compileTagGlob,
  compileTagRegex,
  type TagMatcher,
} from '../../../deployer/domain/policy/tag-pattern.ts';
import { propertyRuns } from '../../support/property-runs.ts';

const matcher = (compiled: ReturnType<typeof compileTagRegex>): TagMatcher => {
  if (!compiled.ok) throw new Error(compiled.error.message);
  return compiled.value;
};
// ECR tags are at most 128 characters.
const evil = (char: string) => `${char.repeat(127)}!`;

describe('compileTagRegex on known catastrophic patterns', () => {
  it.each([
    ['nested quantifier', '^(a+)+$', evil('a')],
    ['alternation under a star', '^(a|a)*$', evil('a')],
    ['overlapping alternation', '^(a|aa)+$', evil('a')],
    ['star of star', '^(a*)*$', evil('a')],
    [
      'OWASP email-like',
      '^([a-zA-Z0-9])(([\\-.]|[_]+)?([a-zA-Z0-9]+))*(@){1}[a-z0-9]+[.]{1}(([a-z]{2,3})|([a-z]{2,3}[.]{1}[a-z]{2,3}))$',
      evil('a'),
    ],
    ['repeated wildcard groups', '^(.*a){12}$', evil('a')],
    ['character class nesting', '^([a-z0-9]+-?)+$', evil('a')],
  ])('%s %s against a 128-character tag answers (false) at once', (_name, pattern, tag) => {
    expect(matcher(compileTagRegex(pattern))(tag)).toBe(false);
  });

  it('keeps RegExp#test semantics for ordinary patterns (unanchored unless anchored)', () => {
    const main = matcher(compileTagRegex('^main-[0-9a-f]{7}$'));
    expect(main('main-1a2b3c4')).toBe(true);
    expect(main('main-1a2b3c4x')).toBe(false);
    expect(matcher(compileTagRegex('rc'))('v1.0.0-rc.1')).toBe(true);
    expect(matcher(compileTagRegex('^v\\d+\\.\\d+$'))('v12.3')).toBe(true);
  });

  it.each([
    ['a look-ahead', '^(?=v)v1$'],
    ['a back-reference', '^(a)\\1$'],
    ['an unterminated group', '(('],
  ])('refuses %s with a message naming the engine', (_name, pattern) => {
    const compiled = compileTagRegex(pattern);
    expect(compiled.ok).toBe(false);
    expect(!compiled.ok && compiled.error.message).toMatch(
      /^invalid regular expression: .*linear-time engine, RE2/,
    );
  });
});

describe('compileTagGlob', () => {
  it.each([
    ['release-*', 'release-1.2', true],
    ['release-*', 'prerelease-1', false],
    ['v?.?', 'v1.2', true],
    ['v?.?', 'v1.23', false],
    ['build-[0-9][0-9]', 'build-42', true],
    ['build-[!0-9]', 'build-x', true],
    ['build-[!0-9]', 'build-4', false],
    ['{main,release}-*', 'release-7', true],
    ['{main,release}-*', 'dev-7', false],
    ['a.b+c(d)', 'a.b+c(d)', true],
    ['a.b', 'axb', false],
    ['\\*literal', '*literal', true],
    ['*', '', true],
  ])('compileTagGlob(%j) matches %j: %s', (glob, tag, expected) => {
    expect(matcher(compileTagGlob(glob))(tag)).toBe(expected);
  });

  it.each(['*(a*)', '+(a|aa)', '*a*a*a*a*a*a*a*a*a*a*b', '**********b'])(
    'matches the catastrophic glob %j against a 128-character tag at once',
    (glob) => {
      expect(matcher(compileTagGlob(glob))(evil('a'))).toBe(false);
    },
  );

  it.each([
    ['an unclosed class', 'v[0-9', 'is not closed with ]'],
    ['an unclosed brace', '{a,b', 'a { is not closed'],
    ['a trailing backslash', 'v1\\', 'lone \\'],
  ])('refuses %s', (_name, glob, message) => {
    const compiled = compileTagGlob(glob);
    expect(!compiled.ok && compiled.error.message).toContain(message);
  });

  it('agrees with a plain * / ? reading of any glob without special characters', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z0-9.-]{0,12}$/),
        fc.stringMatching(/^[a-z0-9.-]{0,12}$/),
        (prefix, tag) => {
          expect(matcher(compileTagGlob(`${prefix}*`))(tag)).toBe(tag.startsWith(prefix));
        },
      ),
      { numRuns: propertyRuns(500) },
    );
  });
});

describe('the deployer with catastrophic policies', () => {
  it('chooseImage with ^(a+)+$ over many 128-character tags answers at once', () => {
    const images = Array.from({ length: 200 }, (_, i) => ({
      digest: `sha256:${i.toString(16).padStart(64, '0')}`,
      tags: [evil('a')],
      pushedAt: new Date(1_700_000_000_000 + i),
    }));
    const choice = chooseImage({ repository: 'actors', track: { regex: '^(a+)+$' } } as never, images);
    expect(choice).toEqual({ ok: false, reason: 'no tag matches regex ^(a+)+$' });
  });

  it('validate refuses a look-ahead regex with file, line and a message that says why', () => {
    const yaml =
      'name: web\ncluster: c\nservice: web\ncontainer: web\nimage:\n  repository: web\n  track:\n    regex: "^(?=v)v1$"\n';
    const result = parseConfigFiles([{ path: 'services/web.yaml', text: yaml }], 'r1');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors).toMatchObject([
      {
        file: 'services/web.yaml',
        line: 8,
        field: 'image.track.regex',
        message: expect.stringContaining('RE2'),
      },
    ]);
  });
});
