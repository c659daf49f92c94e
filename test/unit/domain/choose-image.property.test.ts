// Property tests for image policies over generated registries (unique digests, each tag on at most
// one image, as ECR keeps them): the choice is one of the images, a pin always wins, and the order
// in which the registry lists its images never changes the answer.
import fc from 'fast-check';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { chooseImage } from '../../../deployer/domain/policy/choose-image.ts';
import type { RegistryImage, ServiceConfig, TrackPolicy } from '../../../deployer/domain/types.ts';
import { propertyRuns } from '../../support/property-runs.ts';

const RUNS = 1_000;
const digest = fc
  .string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 })
  .map((h) => `sha256:${h}`);
const tag = fc.oneof(
  fc.tuple(fc.nat(3), fc.nat(3), fc.nat(3)).map(([a, b, c]) => `${a}.${b}.${c}`),
  fc.tuple(fc.nat(3), fc.nat(3)).map(([a, b]) => `v${a}.${b}.0`),
  fc.tuple(fc.nat(2), fc.nat(2)).map(([a, b]) => `${a}.${b}.0-rc.1`),
  fc.constantFrom('latest', 'main-abc', 'main-def', 'dev'),
);

/** A registry: unique digests, every tag on at most one image, push times that may tie. */
const registry = fc
  .uniqueArray(
    fc.record({ digest, tags: fc.uniqueArray(tag, { maxLength: 3 }), day: fc.integer({ min: 1, max: 5 }) }),
    { selector: (i) => i.digest, maxLength: 6 },
  )
  .map((images) => {
    const taken = new Set<string>();
    return images.map(
      (i): RegistryImage => ({
        digest: i.digest,
        tags: i.tags.filter((t) => {
          if (taken.has(t)) return false;
          taken.add(t);
          return true;
        }),
        pushedAt: new Date(Date.UTC(2026, 0, i.day)),
      }),
    );
  });

const track: fc.Arbitrary<TrackPolicy> = fc.oneof(
  fc.record({
    semver: fc.constantFrom('^1.0.0', '~2.1.0', '>=0.0.0', '*', '^3.0.0'),
    prerelease: fc.boolean(),
  }),
  fc.record({ glob: fc.constantFrom('main-*', '*', 'v*', '1.*') }),
  fc.record({ regex: fc.constantFrom('^main-', '^\\d+\\.\\d+\\.\\d+$', '.*', '[') }),
  fc.constant({ latest: true as const }),
);
const image = (t: TrackPolicy, pin?: string): ServiceConfig['image'] => ({
  repository: 'actors',
  track: t,
  ...(pin === undefined ? {} : { pin }),
});

describe('chooseImage properties', () => {
  it('chooses one of the images, with a tag that image carries, and always says why', () => {
    fc.assert(
      fc.property(registry, track, (images, t) => {
        const choice = chooseImage(image(t), images);
        expect(choice.reason.length).toBeGreaterThan(0);
        if (!choice.ok) return;
        const chosen = images.find((i) => i.digest === choice.digest);
        expect(chosen).toBeDefined();
        if (choice.tag !== undefined) expect(chosen?.tags).toContain(choice.tag);
      }),
      { numRuns: propertyRuns(RUNS) },
    );
  });

  it('gives the same answer whatever order the registry lists its images in', () => {
    fc.assert(
      fc.property(
        registry.chain((images) =>
          fc.tuple(fc.constant(images), fc.shuffledSubarray(images, { minLength: images.length })),
        ),
        track,
        ([images, shuffled], t) => {
          expect(chooseImage(image(t), shuffled)).toEqual(chooseImage(image(t), images));
        },
      ),
      { numRuns: propertyRuns(RUNS) },
    );
  });

  it('lets a pin win over any policy', () => {
    fc.assert(
      fc.property(
        registry.filter((images) => images.some((i) => i.tags.length > 0)),
        track,
        fc.nat(),
        fc.boolean(),
        (images, t, n, byDigest) => {
          const tagged = images.filter((i) => i.tags.length > 0);
          const target = tagged[n % tagged.length] as RegistryImage;
          const pin = byDigest ? target.digest : (target.tags[0] as string);
          expect(chooseImage(image(t, pin), images)).toMatchObject({ ok: true, digest: target.digest });
        },
      ),
      { numRuns: propertyRuns(RUNS) },
    );
  });

  it('never chooses a pre-release under semver unless asked, and always the highest match', () => {
    fc.assert(
      fc.property(registry, fc.constantFrom('^1.0.0', '>=0.0.0', '*', '~2.1.0'), (images, range) => {
        const choice = chooseImage(image({ semver: range }), images);
        const versions = images
          .flatMap((i) => i.tags)
          .map((t) => semver.valid(t.replace(/^v/, '')))
          .filter((v): v is string => v !== null && semver.satisfies(v, range));
        if (!choice.ok) {
          expect(versions).toEqual([]);
          return;
        }
        const chosen = semver.valid((choice.tag ?? '').replace(/^v/, '')) as string;
        expect(semver.prerelease(chosen)).toBeNull();
        for (const v of versions) expect(semver.gte(chosen, v)).toBe(true);
      }),
      { numRuns: propertyRuns(RUNS) },
    );
  });
});
