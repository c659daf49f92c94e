import { describe, expect, it } from 'vitest';
import { suggest } from '../../../deployer/cli/suggest.ts';

const COMMANDS = ['validate', 'status', 'diff', 'sync', 'refresh', 'rollback', 'suspend', 'resume'];

describe('suggest', () => {
  it.each([
    ['stauts', COMMANDS, 'status'],
    ['stat', COMMANDS, 'status'],
    ['Status', COMMANDS, 'status'],
    ['rollbak', COMMANDS, 'rollback'],
    ['s', COMMANDS, undefined],
    ['su', COMMANDS, 'suspend'],
    ['re', COMMANDS, undefined],
    ['deploy', COMMANDS, undefined],
    ['actor', ['actors', 'billing'], 'actors'],
    ['act', ['actors', 'billing'], 'actors'],
    ['--jsn', ['--json', '--watch', '--url'], '--json'],
    ['jsno', ['text', 'github', 'json'], 'json'],
  ] as const)('%s among %j -> %s', (word, known, expected) => {
    expect(suggest(word, known)).toBe(expected);
  });
});
