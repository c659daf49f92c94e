// Free text as ECS tag values: always valid (API Tag pattern, 256 characters, no `aws:` prefix) and read
// back exactly when it fits.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeTagText,
  encodeTagText,
  isValidTag,
  TAG_PATTERN,
  TAG_VALUE_MAX,
} from '../../../deployer/domain/tag-text.ts';
import { propertyRuns } from '../../support/property-runs.ts';

const length = (text: string) => [...text].length;
// Any Unicode scalar value, mixed with the characters that matter here (fast-check's `binary` unit
// is slow to generate under vitest).
const codePoint = fc.oneof(
  fc.integer({ min: 0, max: 0x10ffff }).filter((cp) => cp < 0xd800 || cp > 0xdfff),
  fc.constantFrom(0x3d, 0x2c, 0x0a, 0x20, 0x61, 0x3a, 0xe9, 0x1f680),
);
const anyText = fc.array(codePoint, { maxLength: 300 }).map((points) => String.fromCodePoint(...points));

describe('encodeTagText', () => {
  it.each([
    ['plain words stay readable', 'Pin actors to 1.0.0', 'Pin actors to 1.0.0'],
    ['letters of any script stay', 'Grüße, 世界', 'Grüße=2C 世界'],
    ['`=` itself is escaped', 'a=b', 'a=3Db'],
    ['newlines, quotes and emoji become UTF-8 bytes', 'fix "x"\n🚀', 'fix =22x=22=0A=F0=9F=9A=80'],
    ['the reserved aws: prefix is escaped', 'aws: bump the SDK', '=61ws: bump the SDK'],
    ['AWS: in any case too', 'AWS:x', '=41WS:x'],
  ])('%s', (_name, text, encoded) => {
    expect(encodeTagText(text)).toBe(encoded);
    expect(decodeTagText(encoded)).toBe(text);
  });

  it('cuts long text at a character boundary and ends it with an ellipsis', () => {
    const encoded = encodeTagText('é'.repeat(300));
    expect(length(encoded)).toBeLessThanOrEqual(TAG_VALUE_MAX);
    expect(decodeTagText(encoded)).toBe(`${'é'.repeat(TAG_VALUE_MAX - 9)}…`);
  });

  it('never splits an escaped character when cutting', () => {
    const encoded = encodeTagText(`${'a'.repeat(244)}${'!'.repeat(10)}`);
    expect(decodeTagText(encoded)).toBe(`${'a'.repeat(244)}!…`);
    expect(length(encoded)).toBe(TAG_VALUE_MAX);
  });

  it('every string becomes a valid ECS tag value that reads back as a prefix of it', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const encoded = encodeTagText(text);
        const decoded = decodeTagText(encoded);
        return (
          isValidTag('ecs-gitops:trigger-message', encoded) &&
          (decoded === text || text.startsWith(decoded.replace(/…$/, '')))
        );
      }),
      { numRuns: propertyRuns(2000) },
    );
  });
});

describe('isValidTag', () => {
  it.each([
    ['ecs-gitops:trigger', 'git-push', true],
    ['ecs-gitops:trigger', 'a,b', false],
    ['ecs-gitops:trigger', 'x'.repeat(257), false],
    ['k'.repeat(129), 'v', false],
    ['aws:thing', 'v', false],
    ['k', 'aws:v', false],
    ['', 'v', false],
  ])('%s = %s: %s', (key, value, valid) => {
    expect(isValidTag(key, value)).toBe(valid);
  });

  it('uses the pattern of the ECS API model (TagKey / TagValue)', () => {
    expect(TAG_PATTERN.source).toBe('^[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*$');
  });
});
