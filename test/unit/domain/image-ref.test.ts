import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatImageRef,
  isDigest,
  parseImageRef,
  sameRepository,
  sameRepositoryName,
} from '../../../deployer/domain/image-ref.ts';
import { rolloutId } from '../../../deployer/domain/rollout-id.ts';

const D = `sha256:${'a'.repeat(64)}`;

describe('parseImageRef', () => {
  const good: [string, object][] = [
    ['actors', { repository: 'actors' }],
    ['actors:1.1.0', { repository: 'actors', tag: '1.1.0' }],
    ['library/nginx', { repository: 'library/nginx' }],
    ['localhost/app:v1', { registry: 'localhost', repository: 'app', tag: 'v1' }],
    ['localhost:5000/app', { registry: 'localhost:5000', repository: 'app' }],
    [
      `123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/actors:1.0.0@${D}`,
      {
        registry: '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
        repository: 'team/actors',
        tag: '1.0.0',
        digest: D,
      },
    ],
    [`actors@${D}`, { repository: 'actors', digest: D }],
  ];
  it.each(good)('parses %s and round-trips', (text, expected) => {
    const r = parseImageRef(text);
    expect(r).toEqual({ ok: true, value: expected });
    if (r.ok) expect(formatImageRef(r.value)).toBe(text);
  });
  const bad = [
    '',
    'Actors',
    'actors:',
    'actors:-x',
    `actors:${'a'.repeat(129)}`,
    'actors@sha256:abc',
    `actors@sha256:${'A'.repeat(64)}`,
    'a//b',
  ];
  it.each(bad)('rejects %j', (text) => {
    const r = parseImageRef(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('IMAGE_REF_INVALID');
  });
  it('never throws', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        parseImageRef(s);
      }),
    );
  });
  it('isDigest and sameRepository', () => {
    expect(isDigest(D)).toBe(true);
    expect(isDigest('sha256:abc')).toBe(false);
    const ecr = parseImageRef('123456789012.dkr.ecr.us-east-1.amazonaws.com/actors');
    const bare = parseImageRef('actors');
    const other = parseImageRef('123456789012.dkr.ecr.us-east-1.amazonaws.com/other');
    if (!ecr.ok || !bare.ok || !other.ok) throw new Error('fixture');
    expect(sameRepository(bare.value, ecr.value)).toBe(true);
    expect(sameRepository(other.value, ecr.value)).toBe(false);
  });
});

describe('sameRepositoryName', () => {
  it.each([
    ['actors', 'actors', true],
    ['123456789012.dkr.ecr.eu-west-1.amazonaws.com/actors', 'actors', true],
    ['123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/actors', 'team/actors', true],
    ['actors', 'team/actors', false],
    ['actors', 'actors-web', false],
  ])('sameRepositoryName(%s, %s) is %s', (configured, pushed, expected) => {
    expect(sameRepositoryName(configured, pushed)).toBe(expected);
  });
});

describe('rolloutId', () => {
  it('is deterministic, short and input-sensitive', () => {
    expect(rolloutId('actors', D, 'r1')).toBe(rolloutId('actors', D, 'r1'));
    expect(rolloutId('actors', D, 'r1')).toMatch(/^ro-[0-9a-f]{20}$/);
    expect(rolloutId('actors', D, 'r2')).not.toBe(rolloutId('actors', D, 'r1'));
  });
});
