import { describe, expect, it } from 'vitest';
import { chooseImage } from '../../../deployer/domain/policy/choose-image.ts';
import type { RegistryImage, ServiceConfig } from '../../../deployer/domain/types.ts';

const d = (c: string) => `sha256:${c.repeat(64)}`;
const at = (day: number) => new Date(Date.UTC(2026, 0, day));
const images: RegistryImage[] = [
  { digest: d('1'), tags: ['1.0.0'], pushedAt: at(1) },
  { digest: d('2'), tags: ['v1.1.0', 'main-abc'], pushedAt: at(2) },
  { digest: d('3'), tags: ['1.2.0-rc.1'], pushedAt: at(3) },
  { digest: d('4'), tags: ['2.0.0', 'main-def'], pushedAt: at(4) },
  { digest: d('5'), tags: [], pushedAt: at(5) },
];
const img = (over: Partial<ServiceConfig['image']>): ServiceConfig['image'] => ({
  repository: 'actors',
  track: { latest: true },
  ...over,
});

const cases: [string, ServiceConfig['image'], string | undefined][] = [
  ['semver ^1.0.0 picks highest, v prefix ok', img({ track: { semver: '^1.0.0' } }), d('2')],
  ['semver with prerelease', img({ track: { semver: '^1.0.0', prerelease: true } }), d('3')],
  ['semver nothing', img({ track: { semver: '^3.0.0' } }), undefined],
  ['glob newest match', img({ track: { glob: 'main-*' } }), d('4')],
  ['regex newest match', img({ track: { regex: '^1\\.0' } }), d('1')],
  ['latest newest push', img({}), d('5')],
  ['pin tag', img({ pin: '1.0.0' }), d('1')],
  ['pin missing tag', img({ pin: '9.9.9' }), undefined],
  ['pin digest', img({ pin: d('3') }), d('3')],
  ['pin missing digest', img({ pin: d('9') }), undefined],
];

describe('chooseImage', () => {
  it.each(cases)('%s', (_name, image, expected) => {
    const choice = chooseImage(image, images);
    if (expected === undefined) {
      expect(choice.ok).toBe(false);
      expect(choice.reason.length).toBeGreaterThan(5);
    } else {
      expect(choice).toMatchObject({ ok: true, digest: expected });
    }
  });
  it('a pin holding a track policy reports the newer image the policy would choose', () => {
    const choice = chooseImage(
      img({ pin: '1.0.0', track: { semver: '^1.0.0' }, pinHoldsTrack: true }),
      images,
    );
    expect(choice).toEqual({
      ok: true,
      digest: d('1'),
      tag: '1.0.0',
      held: { digest: d('2'), tag: 'v1.1.0', track: { semver: '^1.0.0' } },
      reason: `pinned to tag 1.0.0 (${d('1').slice(0, 19)}); held by the pin: semver ^1.0.0 would choose v1.1.0 (${d('2').slice(0, 19)})`,
    });
  });

  it('a pin that is also what the policy chooses holds nothing back', () => {
    const choice = chooseImage(
      img({ pin: d('2'), track: { semver: '^1.0.0' }, pinHoldsTrack: true }),
      images,
    );
    expect(choice).toMatchObject({ ok: true, digest: d('2') });
    expect(choice).not.toHaveProperty('held');
  });

  it('a pin without a track of its own (default latest) reports no hold', () => {
    expect(chooseImage(img({ pin: '1.0.0' }), images)).not.toHaveProperty('held');
  });

  it('empty registry names the policy', () => {
    expect(chooseImage(img({ track: { glob: 'x*' } }), [])).toEqual({
      ok: false,
      reason: 'no tag matches glob x*',
    });
  });
});
