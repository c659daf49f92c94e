import { describe, expect, it } from 'vitest';
import { parseCron } from '../../../../deployer/domain/gates/cron.ts';
import {
  parseDuration,
  type SyncWindow,
  windowState,
} from '../../../../deployer/domain/gates/sync-window.ts';

const win = (kind: SyncWindow['kind'], schedule: string, duration: string, timeZone = 'UTC'): SyncWindow => ({
  kind,
  schedule,
  duration,
  durationMinutes: parseDuration(duration) as number,
  timeZone,
});
const at = (iso: string) => new Date(iso);

describe('parseCron', () => {
  it.each([
    ['0 18 * * 5', true],
    ['*/15 9-17 * * MON-FRI', true],
    ['0 0 1,15 JAN,jul *', true],
    ['5/10 * * * 7', true],
    ['0 18 * *', false],
    ['60 * * * *', false],
    ['0 24 * * *', false],
    ['0 0 0 * *', false],
    ['0 0 * 13 *', false],
    ['0 0 * * FUN', false],
    ['*/0 * * * *', false],
    ['5-1 * * * *', false],
  ])('parseCron(%j) ok=%s', (schedule, ok) => {
    expect(parseCron(schedule).ok).toBe(ok);
  });

  it('parseCron names the wrong field', () => {
    expect(parseCron('0 25 * * *')).toEqual({ ok: false, error: 'hour field: 25 is outside 0-23' });
  });

  it('matches either restricted day field (Vixie cron)', () => {
    const parsed = parseCron('0 0 13 * FRI');
    if (!parsed.ok) throw new Error(parsed.error);
    const base = { minute: 0, hour: 0, month: 1 };
    expect(parsed.schedule.matches({ ...base, day: 13, weekday: 2 })).toBe(true);
    expect(parsed.schedule.matches({ ...base, day: 9, weekday: 5 })).toBe(true);
    expect(parsed.schedule.matches({ ...base, day: 9, weekday: 4 })).toBe(false);
  });
});

describe('parseDuration', () => {
  it.each([
    ['1h', 60],
    ['30m', 30],
    ['1h30m', 90],
    ['2d', 2880],
    ['64h', 3840],
    ['0m', undefined],
    ['1.5h', undefined],
    ['h', undefined],
    ['', undefined],
  ])('parseDuration(%j) is %s', (text, minutes) => {
    expect(parseDuration(text)).toBe(minutes);
  });
});

describe('windowState', () => {
  // Friday 18:00 Berlin to Monday 10:00: a weekend freeze.
  const freeze = win('deny', '0 18 * * 5', '64h', 'Europe/Berlin');

  it('is open with no windows', () => {
    expect(windowState([], at('2026-03-06T12:00:00Z'))).toEqual({ open: true });
  });

  it('reads the schedule in its time zone (CET is UTC+1 in winter)', () => {
    // Friday 2026-03-06 16:59Z is 17:59 in Berlin: still open; 17:00Z is 18:00: frozen.
    expect(windowState([freeze], at('2026-03-06T16:59:00Z')).open).toBe(true);
    const frozen = windowState([freeze], at('2026-03-06T17:00:00Z'));
    expect(frozen).toMatchObject({ open: false, cause: 'deny', window: freeze });
    if (frozen.open) throw new Error('expected closed');
    // Monday 10:00 Berlin = 09:00Z.
    expect(frozen.opensAt?.toISOString()).toBe('2026-03-09T09:00:00.000Z');
  });

  it('keeps wall-clock hours across the spring-forward weekend (Berlin: 2026-03-29 02:00 → 03:00)', () => {
    // Friday 2026-03-27 18:00 CET = 17:00Z; 64 h later is Monday 10:00 CEST = 08:00Z, not 09:00Z:
    // the window lasts 64 real hours, and Sunday has 23.
    const state = windowState([freeze], at('2026-03-28T12:00:00Z'));
    expect(state).toMatchObject({ open: false, cause: 'deny' });
    if (state.open) throw new Error('expected closed');
    expect(state.opensAt?.toISOString()).toBe('2026-03-30T09:00:00.000Z');
  });

  it('skips a start at a local time that does not exist (02:30 on the spring-forward day)', () => {
    const nightly = win('allow', '30 2 * * *', '30m', 'Europe/Berlin');
    // 2026-03-29 00:30Z would be 02:30 CET, which is skipped: the next start is 2026-03-30 02:30 CEST.
    const state = windowState([nightly], at('2026-03-29T00:45:00Z'));
    if (state.open) throw new Error('expected closed');
    expect(state).toMatchObject({ cause: 'allow', window: nightly });
    expect(state.opensAt?.toISOString()).toBe('2026-03-30T00:30:00.000Z');
  });

  it('opens twice at a repeated local time (02:30 on the fall-back day, 2026-10-25)', () => {
    const nightly = win('allow', '30 2 * * *', '10m', 'Europe/Berlin');
    // 02:30 CEST = 00:30Z, 02:30 CET = 01:30Z.
    expect(windowState([nightly], at('2026-10-25T00:35:00Z')).open).toBe(true);
    expect(windowState([nightly], at('2026-10-25T01:00:00Z')).open).toBe(false);
    expect(windowState([nightly], at('2026-10-25T01:35:00Z')).open).toBe(true);
  });

  it('allows only inside an allow window, and says when the next one opens', () => {
    const office = win('allow', '0 9 * * MON-FRI', '8h', 'America/New_York');
    // Saturday 2026-07-04 15:00Z: next allow is Monday 09:00 EDT = 13:00Z.
    const state = windowState([office], at('2026-07-04T15:00:00Z'));
    expect(state).toMatchObject({ open: false, cause: 'allow', window: office });
    if (state.open) throw new Error('expected closed');
    expect(state.opensAt?.toISOString()).toBe('2026-07-06T13:00:00.000Z');
    expect(windowState([office], at('2026-07-06T13:00:00Z')).open).toBe(true);
    expect(windowState([office], at('2026-07-06T20:59:59Z')).open).toBe(true);
    expect(windowState([office], at('2026-07-06T21:00:00Z')).open).toBe(false);
  });

  it('deny wins over an active allow window; it opens when the deny ends inside the allow window', () => {
    const allow = win('allow', '0 8 * * *', '10h');
    const lunch = win('deny', '0 12 * * *', '1h');
    const state = windowState([allow, lunch], at('2026-05-05T12:30:00Z'));
    expect(state).toMatchObject({ open: false, cause: 'deny', window: lunch });
    if (state.open) throw new Error('expected closed');
    expect(state.opensAt?.toISOString()).toBe('2026-05-05T13:00:00.000Z');
    expect(windowState([allow, lunch], at('2026-05-05T13:00:00Z')).open).toBe(true);
  });

  it('a deny that outlasts the allow window opens at the next allow start', () => {
    const allow = win('allow', '0 8 * * *', '2h');
    const deny = win('deny', '0 9 * * *', '3h');
    const state = windowState([allow, deny], at('2026-05-05T09:30:00Z'));
    if (state.open) throw new Error('expected closed');
    expect(state.opensAt?.toISOString()).toBe('2026-05-06T08:00:00.000Z');
  });

  it('overlapping deny windows open when the last ends', () => {
    const a = win('deny', '0 10 * * *', '2h');
    const b = win('deny', '0 11 * * *', '2h');
    const state = windowState([a, b], at('2026-05-05T10:30:00Z'));
    if (state.open) throw new Error('expected closed');
    expect(state.opensAt?.toISOString()).toBe('2026-05-05T13:00:00.000Z');
  });

  it('reports no opening beyond the look-ahead', () => {
    const always = win('deny', '* * * * *', '1h');
    const state = windowState([always], at('2026-05-05T10:30:00Z'), 60 * 24);
    expect(state).toMatchObject({ open: false, cause: 'deny', opensAt: undefined });
  });
});
