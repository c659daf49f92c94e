import { describe, expect, it } from 'vitest';
import { ansiPaint, noPaint, paintFor, stateColour } from '../../../deployer/cli/format/colour.ts';
import { diffStatus, diffText } from '../../../deployer/cli/format/diff-report.ts';
import { statusTable } from '../../../deployer/cli/format/status-report.ts';
import { fakeDeployerStatus, fakeServiceStatus } from '../../support/fake-runtime.ts';

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI escapes is the point
const stripAnsi = (text: string) => text.replace(/\u001b\[\d+m/g, '');

describe('paintFor', () => {
  it.each([
    [{}, true, ansiPaint],
    [{}, false, noPaint],
    [{ TERM: 'dumb' }, true, noPaint],
    [{ NO_COLOR: '1' }, true, noPaint],
    [{ NO_COLOR: '1', FORCE_COLOR: '1' }, true, noPaint],
    [{ FORCE_COLOR: '1' }, false, ansiPaint],
    [{ FORCE_COLOR: '0' }, false, noPaint],
  ])('env %j, tty %s', (env, tty, expected) => {
    expect(paintFor(env, tty)).toBe(expected);
  });
});

describe('coloured tables', () => {
  const status = fakeDeployerStatus({
    services: [
      fakeServiceStatus('actors'),
      fakeServiceStatus('billing-long-name', {
        sync: { state: 'Failed', reason: 'VerifyTimeout', message: 'm', since: 's' },
        desired: null,
      }),
    ],
  });

  it('colours the STATE column by sync state without changing the alignment', () => {
    const coloured = statusTable(status, ansiPaint);
    expect(coloured).toContain('\u001b[32mSynced\u001b[0m');
    expect(coloured).toContain('\u001b[31mFailed\u001b[0m');
    expect(stripAnsi(coloured)).toBe(statusTable(status));
  });

  it('colours diff markers: = green, ~ yellow', () => {
    const report = diffStatus(status);
    const coloured = diffText(status, report, ansiPaint);
    expect(coloured).toContain('\n\u001b[32m=\u001b[0m  actors ');
    expect(coloured).toContain('\n\u001b[33m~\u001b[0m  billing-long-name ');
    expect(stripAnsi(coloured)).toBe(diffText(status, report));
  });

  it.each([
    ['Synced', 'green'],
    ['Failed', 'red'],
    ['OutOfSync (suspended)', 'yellow'],
    ['Progressing', 'blue'],
    ['Whatever', undefined],
  ])('stateColour(%s) = %s', (cell, colour) => {
    expect(stateColour(cell)).toBe(colour);
  });
});
