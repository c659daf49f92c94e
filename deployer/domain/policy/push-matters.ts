// Whether an ECR push can change what a service's image policy chooses, decided from the push itself
// (pure): the choice (choose-image.ts) looks only at tags its policy matches, or at a pinned tag or
// digest, or, for `latest`, at every push. A push of a tag the policy ignores (a CI build tag) leaves the
// choice as it was, so it costs no DescribeImages and no reconcile (issue 17: an ECR storm linear in
// services). Level-triggered all the same: the push is still only a hint for the services it may
// concern, and the periodic resync compares every service whatever events arrived.
// semver's functions one by one: its index loads all ~47 of its modules (~15 ms of each start).
import satisfies from 'semver/functions/satisfies.js';
import valid from 'semver/functions/valid.js';
import type { ServiceConfig, TrackPolicy } from '../types.ts';
import { compileTagGlob, compileTagRegex } from './tag-pattern.ts';

export interface PushedImage {
  digest: string;
  /** Absent for an untagged push. */
  tag?: string | undefined;
}

export function pushMatters(image: ServiceConfig['image'], push: PushedImage): boolean {
  if (image.pin !== undefined) {
    const pinned = image.pin.startsWith('sha256:') ? push.digest === image.pin : push.tag === image.pin;
    // A pin that holds a policy back shows what the policy would choose: a tracked push changes that.
    return pinned || (image.pinHoldsTrack === true && tracks(image.track, push.tag));
  }
  return tracks(image.track, push.tag);
}

function tracks(track: TrackPolicy, tag: string | undefined): boolean {
  if ('latest' in track) return true; // the newest push wins, tagged or not
  if (tag === undefined) return false; // the other policies choose among tags only
  if ('semver' in track) {
    const version = valid(tag.replace(/^v/, ''));
    return (
      version !== null && satisfies(version, track.semver, { includePrerelease: track.prerelease === true })
    );
  }
  const matcher = 'glob' in track ? compileTagGlob(track.glob) : compileTagRegex(track.regex);
  // An invalid pattern never reaches a config in force; if one did, the reconcile says what is wrong.
  return matcher.ok ? matcher.value(tag) : true;
}
