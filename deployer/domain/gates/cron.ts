// Five-field cron schedules (minute hour day-of-month month day-of-week), the format Argo CD sync
// windows use: `*`, numbers, ranges `a-b`, steps `*/n` and `a-b/n`, lists `a,b`, month and weekday
// names (JAN-DEC, SUN-SAT; 0 and 7 are Sunday). As in Vixie cron, when both day fields are restricted
// a day matches either of them. Pure: a schedule is matched against local wall-clock fields.

export interface LocalTime {
  minute: number;
  hour: number;
  day: number;
  /** 1-12 */
  month: number;
  /** 0 (Sunday) - 6 */
  weekday: number;
}

export interface CronSchedule {
  readonly source: string;
  matches(time: LocalTime): boolean;
  /** Whether any minute of this local hour may match (a scan skips the hour otherwise). */
  matchesHour(time: Omit<LocalTime, 'minute'>): boolean;
}

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const FIELDS: readonly FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  {
    name: 'month',
    min: 1,
    max: 12,
    names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'],
  },
  // 7 is Sunday too (folded to 0 below).
  { name: 'day of week', min: 0, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
];

export type CronParse = { ok: true; schedule: CronSchedule } | { ok: false; error: string };

function value(text: string, spec: FieldSpec): number | string {
  const named = spec.names?.indexOf(text.toUpperCase()) ?? -1;
  if (named >= 0) return spec.min + named;
  if (!/^[0-9]{1,2}$/.test(text)) return `"${text}" is not a number${spec.names ? ' or name' : ''}`;
  const n = Number(text);
  if (n < spec.min || n > spec.max) return `${n} is outside ${spec.min}-${spec.max}`;
  return n;
}

/** The set of values one field allows, or why it is wrong. */
function parseField(text: string, spec: FieldSpec): Set<number> | string {
  const allowed = new Set<number>();
  for (const part of text.split(',')) {
    const [range, stepText, extra] = part.split('/');
    if (range === undefined || range === '' || extra !== undefined) return `"${part}" is not a valid item`;
    let step = 1;
    if (stepText !== undefined) {
      if (!/^[0-9]{1,2}$/.test(stepText) || Number(stepText) === 0)
        return `step "${stepText}" must be a whole number from 1`;
      step = Number(stepText);
    }
    let from = spec.min;
    let to = spec.max;
    if (range !== '*') {
      const [a, b, more] = range.split('-');
      if (a === undefined || more !== undefined) return `"${range}" is not a valid range`;
      const start = value(a, spec);
      if (typeof start === 'string') return start;
      from = start;
      if (b !== undefined) {
        const end = value(b, spec);
        if (typeof end === 'string') return end;
        if (end < start) return `range "${range}" runs backwards`;
        to = end;
      } else {
        // `5/15` means "from 5, every 15" (as in Vixie cron); a bare value is just itself.
        to = stepText !== undefined ? spec.max : start;
      }
    }
    for (let n = from; n <= to; n += step) allowed.add(n);
  }
  return allowed;
}

export function parseCron(source: string): CronParse {
  const parts = source.trim().split(/\s+/);
  if (parts.length !== 5)
    return {
      ok: false,
      error: `a schedule has 5 fields (minute hour day-of-month month day-of-week), got ${parts.length}; e.g. "0 18 * * 5" (Fridays 18:00)`,
    };
  const sets: Set<number>[] = [];
  for (const [i, spec] of FIELDS.entries()) {
    const parsed = parseField(parts[i] as string, spec);
    if (typeof parsed === 'string') return { ok: false, error: `${spec.name} field: ${parsed}` };
    sets.push(parsed);
  }
  const [minutes, hours, days, months, weekdays] = sets as [
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
  ];
  if (weekdays.has(7)) weekdays.add(0);
  const dayRestricted = parts[2] !== '*';
  const weekdayRestricted = parts[4] !== '*';
  return {
    ok: true,
    schedule: {
      source,
      matches(t) {
        return minutes.has(t.minute) && this.matchesHour(t);
      },
      matchesHour(t) {
        if (!hours.has(t.hour) || !months.has(t.month)) return false;
        const dayOk = days.has(t.day);
        const weekdayOk = weekdays.has(t.weekday);
        if (dayRestricted && weekdayRestricted) return dayOk || weekdayOk;
        return dayOk && weekdayOk;
      },
    },
  };
}
