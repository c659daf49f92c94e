// Chooses the image a service should run from what the registry holds, deterministically.
// semver's functions one by one: its index loads all ~47 of its modules (~15 ms of each start).
import rcompare from 'semver/functions/rcompare.js';
import satisfies from 'semver/functions/satisfies.js';
import valid from 'semver/functions/valid.js';
import type { HeldImage, ImageChoice, RegistryImage, ServiceConfig, TrackPolicy } from '../types.ts';
import { compileTagGlob, compileTagRegex } from './tag-pattern.ts';

const short = (digest: string) => digest.slice(0, 19);
type Candidate = { image: RegistryImage; tag: string };

function candidates(images: RegistryImage[], matches: (tag: string) => boolean): Candidate[] {
  return images.flatMap((image) => image.tags.filter(matches).map((tag) => ({ image, tag })));
}

// Newest push wins; ties broken by tag so the same registry always yields the same choice.
const newestFirst = (a: Candidate, b: Candidate) =>
  b.image.pushedAt.getTime() - a.image.pushedAt.getTime() || (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0);

const chosen = (c: Candidate, why: string): ImageChoice => ({
  ok: true,
  digest: c.image.digest,
  tag: c.tag,
  reason: `${why} chose ${c.tag} (${short(c.image.digest)})`,
});

export function chooseImage(image: ServiceConfig['image'], images: RegistryImage[]): ImageChoice {
  if (image.pin === undefined) return chooseByTrack(image.track, images);
  const pinned = choosePin(image, images);
  if (!pinned.ok || image.pinHoldsTrack !== true) return pinned;
  // The pin holds the policy back: say what it would run, so a newer image is not skipped silently.
  const tracked = chooseByTrack(image.track, images);
  if (!tracked.ok || tracked.digest === pinned.digest) return pinned;
  const held: HeldImage = {
    digest: tracked.digest,
    ...(tracked.tag ? { tag: tracked.tag } : {}),
    track: image.track,
  };
  return {
    ...pinned,
    held,
    reason: `${pinned.reason}; held by the pin: ${describeTrack(image.track)} would choose ${tracked.tag ?? short(tracked.digest)} (${short(tracked.digest)})`,
  };
}

/** `semver ^1.0.0`, `glob release-*`, `regex ^main-`, `latest`: a policy in a few words. */
export function describeTrack(track: TrackPolicy): string {
  if ('semver' in track) return `semver ${track.semver}`;
  if ('glob' in track) return `glob ${track.glob}`;
  if ('regex' in track) return `regex ${track.regex}`;
  return 'latest';
}

function choosePin(image: ServiceConfig['image'], images: RegistryImage[]): ImageChoice {
  const pin = image.pin as string;
  if (pin.startsWith('sha256:')) {
    const found = images.find((i) => i.digest === pin);
    return found
      ? { ok: true, digest: found.digest, reason: `pinned to ${short(pin)}` }
      : { ok: false, reason: `pinned digest ${short(pin)} is not in repository ${image.repository}` };
  }
  const found = images.find((i) => i.tags.includes(pin));
  return found
    ? { ok: true, digest: found.digest, tag: pin, reason: `pinned to tag ${pin} (${short(found.digest)})` }
    : { ok: false, reason: `pinned tag ${pin} is not in repository ${image.repository}` };
}

function chooseByTrack(track: TrackPolicy, images: RegistryImage[]): ImageChoice {
  if ('semver' in track) {
    const prerelease = track.prerelease === true;
    const list = candidates(images, (tag) => {
      const v = valid(tag.replace(/^v/, ''));
      return v !== null && satisfies(v, track.semver, { includePrerelease: prerelease });
    }).sort((a, b) => {
      const byVersion = rcompare(a.tag.replace(/^v/, ''), b.tag.replace(/^v/, ''));
      if (byVersion !== 0) return byVersion;
      const byTime = b.image.pushedAt.getTime() - a.image.pushedAt.getTime();
      return byTime || (a.image.digest < b.image.digest ? -1 : a.image.digest > b.image.digest ? 1 : 0);
    });
    const best = list[0];
    return best
      ? chosen(best, `semver ${track.semver}`)
      : { ok: false, reason: `no tag satisfies semver ${track.semver}` };
  }
  if ('glob' in track) {
    const matcher = compileTagGlob(track.glob);
    if (!matcher.ok) return { ok: false, reason: `glob ${track.glob} is invalid` };
    const best = candidates(images, matcher.value).sort(newestFirst)[0];
    return best
      ? chosen(best, `glob ${track.glob}`)
      : { ok: false, reason: `no tag matches glob ${track.glob}` };
  }
  if ('regex' in track) {
    const matcher = compileTagRegex(track.regex);
    if (!matcher.ok) return { ok: false, reason: `regex ${track.regex} is invalid` };
    const best = candidates(images, matcher.value).sort(newestFirst)[0];
    return best
      ? chosen(best, `regex ${track.regex}`)
      : { ok: false, reason: `no tag matches regex ${track.regex}` };
  }
  const newest = [...images].sort(
    (a, b) =>
      b.pushedAt.getTime() - a.pushedAt.getTime() || (a.digest < b.digest ? -1 : a.digest > b.digest ? 1 : 0),
  )[0];
  if (!newest) return { ok: false, reason: 'latest: the repository has no images' };
  return {
    ok: true,
    digest: newest.digest,
    tag: newest.tags[0],
    reason: `latest chose ${short(newest.digest)}`,
  };
}
