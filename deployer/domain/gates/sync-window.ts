// Sync windows as Argo CD defines them: `kind` allow or deny, a cron `schedule` that opens the window,
// a `duration` it stays open, in a `timeZone` (default UTC). With no windows every rollout may start;
// with allow windows only inside one of them; never inside a deny window (deny wins over allow).
// https://argo-cd.readthedocs.io/en/stable/user-guide/sync_windows/
// Pure: the caller passes now.
import { parseCron } from './cron.ts';
import { localFields, offsetLookup } from './time-zone.ts';

export interface SyncWindow {
  kind: 'allow' | 'deny';
  /** Five-field cron in `timeZone`: when the window opens. */
  schedule: string;
  /** As written in config (`1h`, `90m`, `64h`), for messages. */
  duration: string;
  durationMinutes: number;
  /** IANA zone the schedule is read in. */
  timeZone: string;
}

export type WindowState =
  | { open: true }
  | {
      open: false;
      /** `deny`: a deny window is active; `allow`: allow windows exist and none is active. */
      cause: 'deny' | 'allow';
      /** The deny window in force, or the allow window that opens next. */
      window: SyncWindow | undefined;
      /** When a rollout may start next; undefined when not within the look-ahead. */
      opensAt: Date | undefined;
    };

const MINUTE = 60_000;
/** How far ahead to look for the next opening: a month covers daily, weekly and monthly schedules. */
export const LOOK_AHEAD_MINUTES = 31 * 24 * 60;
/** Zone transitions happen on quarter-hour boundaries, and every offset is a whole quarter hour. */
const QUARTER = 15 * MINUTE;

interface Interval {
  window: SyncWindow;
  start: number;
  end: number;
}

/**
 * Start instants (ms) of `window` between `from` and `to` (minute-aligned, inclusive). Scans local wall
 * clock minute by minute, so a schedule follows DST: a start at a local time that is skipped (spring
 * forward) does not happen that day, one at a repeated time (fall back) happens twice.
 */
function starts(window: SyncWindow, from: number, to: number): number[] | undefined {
  const parsed = parseCron(window.schedule);
  if (!parsed.ok) return undefined;
  const { schedule } = parsed;
  const found: number[] = [];
  const offsetAt = offsetLookup(window.timeZone, from, to);
  for (let quarter = Math.floor(from / QUARTER) * QUARTER; quarter <= to; quarter += QUARTER) {
    const offset = offsetAt(quarter);
    // A quarter starts on a local quarter hour too, so its 15 minutes share one local hour.
    const local = localFields(quarter + offset * MINUTE);
    if (!schedule.matchesHour(local)) continue;
    for (let i = 0; i < 15; i++) {
      const t = quarter + i * MINUTE;
      if (t >= from && t <= to && schedule.matches({ ...local, minute: local.minute + i })) found.push(t);
    }
  }
  return found;
}

/** Whether a rollout may start at `now`, and if not, why and when it may. */
export function windowState(
  windows: readonly SyncWindow[],
  now: Date,
  lookAheadMinutes = LOOK_AHEAD_MINUTES,
): WindowState {
  if (windows.length === 0) return { open: true };
  const at = now.getTime();
  const minute = Math.floor(at / MINUTE) * MINUTE;
  const horizon = minute + lookAheadMinutes * MINUTE;
  const allow: Interval[] = [];
  const deny: Interval[] = [];
  for (const window of windows) {
    const length = window.durationMinutes * MINUTE;
    const found = starts(window, minute - length, horizon);
    // A schedule that does not parse (validation refuses it) holds: stopping is the safe reading.
    if (!found) return { open: false, cause: 'deny', window, opensAt: undefined };
    const into = window.kind === 'allow' ? allow : deny;
    for (const start of found) into.push({ window, start, end: start + length });
  }
  const inside = (list: Interval[], t: number) => list.filter((i) => i.start <= t && t < i.end);
  const allowedAt = (t: number) =>
    (allow.length === 0 || inside(allow, t).length > 0) && inside(deny, t).length === 0;
  if (allowedAt(at)) return { open: true };

  // Allowed-ness only turns true where an allow window starts or a deny window ends.
  const candidates = [...allow.map((i) => i.start), ...deny.map((i) => i.end)]
    .filter((t) => t > at && t <= horizon)
    .sort((a, b) => a - b);
  const opensAt = candidates.find(allowedAt);
  const activeDeny = inside(deny, at).sort((a, b) => b.end - a.end)[0];
  if (activeDeny) return { open: false, cause: 'deny', window: activeDeny.window, opensAt: date(opensAt) };
  const nextAllow = allow.find((i) => i.start === opensAt)?.window;
  return { open: false, cause: 'allow', window: nextAllow, opensAt: date(opensAt) };
}

const date = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms));

/** Go-style durations as Argo CD writes them: `1h`, `30m`, `1h30m`, also `2d` for days. */
export function parseDuration(text: string): number | undefined {
  const match = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?$/.exec(text.trim());
  if (!match || text.trim() === '') return undefined;
  const [, d = '0', h = '0', m = '0'] = match;
  const minutes = Number(d) * 1440 + Number(h) * 60 + Number(m);
  return minutes > 0 ? minutes : undefined;
}
