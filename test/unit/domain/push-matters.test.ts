// pushMatters decides from an ECR push alone whether it can change a service's choice (issue 17: an
// untracked tag costs no DescribeImages and no reconcile). Table cases, then the property that makes it
// safe: whenever it says no, adding the pushed image to any registry leaves chooseImage's answer as it was.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chooseImage } from '../../../deployer/domain/policy/choose-image.ts';
import { pushMatters } from '../../../deployer/domain/policy/push-matters.ts';
import type { RegistryImage, ServiceConfig, TrackPolicy } from '../../../deployer/domain/types.ts';
import { propertyRuns } from '../../support/property-runs.ts';

const DIGEST = `sha256:${'d'.repeat(64)}`;
const image = (track: TrackPolicy, extra: Partial<ServiceConfig['image']> = {}): ServiceConfig['image'] => ({
  repository: 'actors',
  track,
  ...extra,
});

describe('pushMatters', () => {
  it.each([
    ['semver range, tag inside', image({ semver: '^1.0.0' }), '1.4.2', true],
    ['semver range, v-prefixed tag inside', image({ semver: '^1.0.0' }), 'v1.4.2', true],
    ['semver range, tag outside', image({ semver: '^1.0.0' }), '2.0.0', false],
    ['semver range, build tag', image({ semver: '^1.0.0' }), 'build-41', false],
    ['semver range, prerelease not tracked', image({ semver: '^1.0.0' }), '1.5.0-rc.1', false],
    ['semver range, prerelease tracked', image({ semver: '^1.0.0', prerelease: true }), '1.5.0-rc.1', true],
    ['semver range, untagged push', image({ semver: '^1.0.0' }), undefined, false],
    ['glob, matching tag', image({ glob: 'main-*' }), 'main-abc', true],
    ['glob, other tag', image({ glob: 'main-*' }), 'dev-abc', false],
    ['regex, matching tag', image({ regex: '^release-' }), 'release-7', true],
    ['regex, other tag', image({ regex: '^release-' }), 'pr-7', false],
    ['latest, any tag', image({ latest: true }), 'build-41', true],
    ['latest, untagged push', image({ latest: true }), undefined, true],
    ['pinned tag, that tag', image({ latest: true }, { pin: '1.0.0' }), '1.0.0', true],
    ['pinned tag, another tag', image({ semver: '^1.0.0' }, { pin: '1.0.0' }), '1.1.0', false],
    [
      'pin holding a policy back, a tracked tag',
      image({ semver: '^1.0.0' }, { pin: '1.0.0', pinHoldsTrack: true }),
      '1.1.0',
      true,
    ],
    ['pinned digest, that digest', image({ latest: true }, { pin: DIGEST }), 'anything', true],
    [
      'pinned digest, another digest',
      image({ latest: true }, { pin: `sha256:${'e'.repeat(64)}` }),
      '1.0.0',
      false,
    ],
  ])('%s', (_, config, tag, expected) => {
    expect(pushMatters(config, { digest: DIGEST, tag })).toBe(expected);
  });
});

const hex = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 });
const tag = fc.oneof(
  fc.tuple(fc.nat(3), fc.nat(3), fc.nat(3)).map(([a, b, c]) => `${a}.${b}.${c}`),
  fc.tuple(fc.nat(2), fc.nat(2)).map(([a, b]) => `v${a}.${b}.0-rc.1`),
  fc.constantFrom('main-abc', 'main-def', 'dev', 'build-1', 'build-2'),
);
const track: fc.Arbitrary<TrackPolicy> = fc.oneof(
  fc.record({ semver: fc.constantFrom('^1.0.0', '~2.1.0', '>=0.0.0', '^3.0.0'), prerelease: fc.boolean() }),
  fc.record({ glob: fc.constantFrom('main-*', 'v*', '1.*') }),
  fc.record({ regex: fc.constantFrom('^main-', '^\\d+\\.\\d+\\.\\d+$') }),
  fc.constant({ latest: true as const }),
);

describe('pushMatters property', () => {
  it('when it says a push does not matter, the push leaves the choice as it was', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.record({ digest: hex, tag, day: fc.integer({ min: 1, max: 5 }) }), {
          selector: (i) => i.tag,
          maxLength: 6,
        }),
        track,
        fc.option(tag, { nil: undefined }),
        fc.option(tag, { nil: undefined }),
        hex,
        (seeded, policy, pin, pushedTag, pushedDigest) => {
          const images: RegistryImage[] = seeded.map((i) => ({
            digest: `sha256:${i.digest}`,
            tags: [i.tag],
            pushedAt: new Date(Date.UTC(2026, 0, i.day)),
          }));
          if (pushedTag !== undefined && seeded.some((i) => i.tag === pushedTag)) return; // a new tag only
          const config = image(policy, pin === undefined ? {} : { pin });
          const push = { digest: `sha256:${pushedDigest}`, tag: pushedTag };
          if (pushMatters(config, push)) return;
          const pushed: RegistryImage = {
            digest: push.digest,
            tags: pushedTag === undefined ? [] : [pushedTag],
            pushedAt: new Date(Date.UTC(2026, 0, 6)),
          };
          expect(chooseImage(config, [...images, pushed])).toEqual(chooseImage(config, images));
        },
      ),
      { numRuns: propertyRuns(2_000) },
    );
  });
});
