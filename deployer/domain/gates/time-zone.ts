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
