// Default values of optional service config fields. One source for the JSON Schema (`default`, shown
// in editors) and for the loader that fills them in, so the two can never disagree.
import type { TrackPolicy } from '../types.ts';

export const CONFIG_DEFAULTS = {
  track: { latest: true } as TrackPolicy,
  verify: { expectVersion: true, successes: 3, intervalSeconds: 2, timeoutSeconds: 120 },
  cdn: { paths: ['/*'] },
  rollout: { timeoutSeconds: 900, rollback: true },
  suspended: false,
  approval: 'none',
  windowTimeZone: 'UTC',
} as const;
