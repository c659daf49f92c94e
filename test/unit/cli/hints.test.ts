// Hints must name commands that work where a newcomer is: a clone after `npm ci`, where `ecs-gitops`
// alone is not on PATH. So every `ecs-gitops <command>` in what users read (CLI output and errors,
// the deployer's banner and messages, the dashboard, docs and README) is spelt `npx ecs-gitops ...`
// (or `npm run cli -- ...`); `Usage: ecs-gitops ...` lines name the program, as usage lines do.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliHint } from '../../../deployer/cli/cli-io.ts';
import { COMMANDS } from '../../../deployer/cli/commands/index.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const SOURCES = ['deployer', 'local', 'bin', 'docs', 'README.md'];

function files(entry: string): string[] {
  const full = path.join(ROOT, entry);
  if (statSync(full).isFile()) return [entry];
  return readdirSync(full).flatMap((name) => files(path.join(entry, name)));
}

/**
 * `ecs-gitops status` not preceded by `npx ` or `Usage: ` (nor part of a longer name or path); the
 * `ecs-gitops status:` that starts an error message names the program, not a command to type.
 */
function bareHints(text: string, verbs: readonly string[]): string[] {
  const pattern = new RegExp(
    String.raw`(?<![\w/.@-])(?<!npx )(?<!Usage: )ecs-gitops (?:${[...verbs, '<command>'].join('|')})\b(?!:)`,
    'g',
  );
  return [...text.matchAll(pattern)].map((m) => m[0]);
}

describe('command hints', () => {
  const verbs = COMMANDS.map((c) => c.name);

  it('cliHint spells a command that works from a clone', () => {
    expect(cliHint('status actors')).toBe('npx ecs-gitops status actors');
  });

  it('finds a bare hint and lets the good spellings pass', () => {
    expect(
      bareHints(
        'run ecs-gitops resume actors; npx ecs-gitops sync a; Usage: ecs-gitops diff; ecs-gitops:suspended; `ecs-gitops` CLI; ecs-gitops sync: refused',
        verbs,
      ),
    ).toEqual(['ecs-gitops resume']);
  });

  it.each(SOURCES.flatMap(files).filter((f) => /\.(ts|js|md)$/.test(f)))(
    '%s names only commands that work from a clone',
    (file) => {
      const text = readFileSync(path.join(ROOT, file), 'utf8');
      // Code comments speak to developers, who know the verb's name; what runs or renders is checked.
      const read = file.endsWith('.md') ? text : text.replace(/^\s*(\/\/|\*|\/\*\*).*$/gm, '');
      expect(bareHints(read, verbs)).toEqual([]);
    },
  );
});
