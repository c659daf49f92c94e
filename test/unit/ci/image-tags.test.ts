import { describe, expect, it } from 'vitest';
import { imageTags } from '../../../.github/scripts/image-tags.ts';

const SHA = '0123456789abcdef0123456789abcdef01234567';

describe('imageTags(ref, sha)', () => {
  it.each([
    ['refs/heads/main', ['sha-0123456789ab']],
    ['refs/heads/feature/x', ['sha-0123456789ab']],
    ['refs/tags/v1.4.2', ['1.4.2']],
    ['refs/tags/v0.1.0', ['0.1.0']],
    ['refs/tags/v2.0.0-rc.1', ['2.0.0-rc.1']],
    ['refs/tags/v1.0.0+build.7', ['1.0.0_build.7']],
  ])('%s gives %j', (ref, tags) => {
    expect(imageTags(ref, SHA)).toEqual(tags);
  });

  it.each([
    ['refs/tags/1.4.2', 'neither a branch nor a version tag'],
    ['refs/tags/v1.4', 'neither a branch nor a version tag'],
    ['refs/tags/v01.4.2', 'neither a branch nor a version tag'],
    ['refs/pull/7/merge', 'neither a branch nor a version tag'],
  ])('refuses %s', (ref, message) => {
    expect(() => imageTags(ref, SHA)).toThrow(message);
  });

  it('refuses a short sha', () => {
    expect(() => imageTags('refs/heads/main', 'abc1234')).toThrow('is not a full commit sha');
  });
});
