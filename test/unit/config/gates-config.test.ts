// The gate fields of a service file (approval, windows): defaults, and every mistake reported at its
// file:line:column with what to write instead.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfigFiles } from '../../../deployer/domain/config/parse-config-files.ts';
import type { ConfigError } from '../../../deployer/domain/types.ts';

const MINIMAL = 'name: web\ncluster: gitops\nservice: web\ncontainer: app\nimage:\n  repository: web\n';
const parse = (extra: string) =>
  parseConfigFiles([{ path: 'services/web.yaml', text: MINIMAL + extra }], 'rev-1');

function onlyError(extra: string): ConfigError {
  const result = parse(extra);
  if (result.ok) throw new Error('expected an error');
  expect(result.errors).toHaveLength(1);
  return result.errors[0] as ConfigError;
}

describe('gates in config', () => {
  it('parseConfigFiles leaves approval and windows out when not configured', () => {
    const result = parse('');
    if (!result.ok) throw new Error('expected valid');
    expect(result.state.services[0]).not.toHaveProperty('approval');
    expect(result.state.services[0]).not.toHaveProperty('windows');
  });

  it('parseConfigFiles reads approval: manual and windows with their UTC default', () => {
    const result = parse(
      'approval: manual\nwindows:\n  - kind: deny\n    schedule: "0 18 * * 5"\n    duration: 64h\n    timeZone: Europe/Berlin\n  - { kind: allow, schedule: "0 9 * * MON-FRI", duration: 8h }\n',
    );
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    const [service] = result.state.services;
    expect(service?.approval).toBe('manual');
    expect(service?.windows).toEqual([
      {
        kind: 'deny',
        schedule: '0 18 * * 5',
        duration: '64h',
        durationMinutes: 3840,
        timeZone: 'Europe/Berlin',
      },
      { kind: 'allow', schedule: '0 9 * * MON-FRI', duration: '8h', durationMinutes: 480, timeZone: 'UTC' },
    ]);
  });

  it('parseConfigFiles accepts the gates example of docs/config.md as written', () => {
    const doc = readFileSync(path.join(import.meta.dirname, '../../../docs/config.md'), 'utf8');
    const example = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)]
      .map((m) => m[1] ?? '')
      .find((block) => block.startsWith('approval: manual'));
    expect(example).toBeDefined();
    const result = parse(example ?? '');
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.state.services[0]?.windows).toHaveLength(2);
  });

  it.each([
    [
      'a bad cron field',
      'windows:\n  - { kind: deny, schedule: "0 25 * * 5", duration: 1h }\n',
      {
        line: 8,
        field: 'windows.0.schedule',
        message: 'invalid cron schedule `0 25 * * 5`: hour field: 25 is outside 0-23',
      },
    ],
    [
      'a cron with four fields',
      'windows:\n  - kind: deny\n    schedule: "0 18 * *"\n    duration: 1h\n',
      { line: 9, field: 'windows.0.schedule', message: 'a schedule has 5 fields' },
    ],
    [
      'an unknown time zone',
      'windows:\n  - kind: deny\n    schedule: "0 18 * * 5"\n    duration: 1h\n    timeZone: Europe/Berlinn\n',
      { line: 11, field: 'windows.0.timeZone', message: 'unknown time zone `Europe/Berlinn`' },
    ],
    [
      'a duration that is not one',
      'windows:\n  - kind: deny\n    schedule: "0 18 * * 5"\n    duration: 1 hour\n',
      { line: 10, field: 'windows.0.duration', message: '`1h`, `90m`' },
    ],
    [
      'a zero duration',
      'windows:\n  - { kind: deny, schedule: "0 18 * * 5", duration: 0m }\n',
      {
        line: 8,
        field: 'windows.0.duration',
        message: 'is empty or zero',
      },
    ],
    [
      'an unknown kind',
      'windows:\n  - { kind: block, schedule: "0 18 * * 5", duration: 1h }\n',
      {
        line: 8,
        field: 'windows.0.kind',
        message: 'allow',
      },
    ],
    [
      'approval: auto',
      'approval: auto\n',
      { line: 7, field: 'approval', message: 'must be one of `manual`, `none`' },
    ],
  ])('parseConfigFiles reports %s at its line', (_title, extra, expected) => {
    const error = onlyError(extra);
    expect(error.file).toBe('services/web.yaml');
    expect(error.line).toBe(expected.line);
    expect(error.field).toBe(expected.field);
    expect(error.message).toContain(expected.message);
  });
});
