import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { laterFirst } from '../../../deployer/domain/iso-time.ts';

const DEPLOYER = path.resolve(import.meta.dirname, '../../../deployer');

describe('laterFirst', () => {
  it('sorts ISO-8601 UTC timestamps newest first, equal ones stay as they are', () => {
    const times = [
      new Date('2026-12-02T09:00:00.000Z'),
      new Date('2027-01-01T00:00:00.000Z'),
      new Date('2026-12-02T10:59:59.999Z'),
      new Date('2026-12-02T09:00:00.000Z'),
      new Date('1970-01-01T00:00:00.000Z'),
    ].map((d) => d.toISOString());
    const byTime = [...times].sort((a, b) => Date.parse(b) - Date.parse(a));
    expect([...times].sort(laterFirst)).toEqual(byTime);
    expect(laterFirst(times[0] as string, times[3] as string)).toBe(0);
  });

  it('the deployer compares no strings with localeCompare (an ICU collator: ~3 MiB resident for its life)', () => {
    const files = readdirSync(DEPLOYER, { recursive: true, encoding: 'utf8' }).filter((f) =>
      f.endsWith('.ts'),
    );
    const using = files.filter((f) =>
      readFileSync(path.join(DEPLOYER, f), 'utf8').includes('.localeCompare('),
    );
    expect(using).toEqual([]);
  });
});
