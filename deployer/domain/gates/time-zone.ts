// Wall-clock time in an IANA time zone, through Intl (the zone database Node ships). Pure: no clock.

import type { LocalTime } from './cron.ts';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Whether Intl knows the zone (`Europe/Berlin`, `UTC`); Intl throws a RangeError for others. */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** Minutes the zone is ahead of UTC at the instant `ms` (whole minutes: no zone has seconds today). */
export function offsetMinutes(ms: number, timeZone: string): number {
  const minuteStart = Math.floor(ms / 60_000) * 60_000;
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(minuteStart))
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  const local = Date.UTC(
    parts.year as number,
    (parts.month as number) - 1,
    parts.day as number,
    parts.hour as number,
    parts.minute as number,
  );
  return Math.round((local - minuteStart) / 60_000);
}

/** The wall-clock fields of a local time given as "UTC-shaped" milliseconds (instant + offset). */
export function localFields(localMs: number): LocalTime {
  const d = new Date(localMs);
  return {
    minute: d.getUTCMinutes(),
    hour: d.getUTCHours(),
    day: d.getUTCDate(),
    month: d.getUTCMonth() + 1,
    weekday: d.getUTCDay(),
  };
}

const QUARTER_MS = 15 * 60_000;
const DAY_MS = 24 * 60 * 60_000;

/**
 * The zone's offset over [from, to] as a lookup, from a few Intl calls (Intl is slow: tens of µs a
 * call): one per day, and a binary search to the quarter hour where a day's offset changed. Zone
 * transitions happen on quarter hours and at most once a day.
 */
export function offsetLookup(timeZone: string, from: number, to: number): (ms: number) => number {
  const start = Math.floor(from / QUARTER_MS) * QUARTER_MS;
  const end = Math.ceil(to / QUARTER_MS) * QUARTER_MS;
  const changes: { at: number; offset: number }[] = [
    { at: -Infinity, offset: offsetMinutes(start, timeZone) },
  ];
  let before = start;
  while (before < end) {
    const after = Math.min(before + DAY_MS, end);
    const known = (changes[changes.length - 1] as { offset: number }).offset;
    const offset = offsetMinutes(after, timeZone);
    if (offset !== known) {
      // offset(lo) is the old one, offset(hi) the new one: narrow to one quarter hour.
      let lo = before;
      let hi = after;
      while (hi - lo > QUARTER_MS) {
        const mid = lo + Math.floor((hi - lo) / 2 / QUARTER_MS) * QUARTER_MS;
        if (offsetMinutes(mid, timeZone) === known) lo = mid;
        else hi = mid;
      }
      changes.push({ at: hi, offset });
    }
    before = after;
  }
  return (ms) => {
    let offset = (changes[0] as { offset: number }).offset;
    for (const change of changes) if (change.at <= ms) offset = change.offset;
    return offset;
  };
}
