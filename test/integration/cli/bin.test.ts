// The package bin as a newcomer runs it from a clone: `npx ecs-gitops ...` after `npm ci`, and the
// bin started by Nodes that cannot run the TypeScript sources themselves (the machine's Node 20).
import { spawnSync } from 'node:child_process';
import { accessSync, constants, copyFileSync, mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const BIN = path.join(ROOT, 'bin/ecs-gitops.js');
const COMMAND_LIST = /^ {2}status +show desired vs live image/m;

/** Every `node` on PATH outside this checkout (the machine's), by real path. */
function machineNodes(): string[] {
  const found = new Set<string>();
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, 'node');
    try {
      accessSync(candidate, constants.X_OK);
      const real = realpathSync(candidate);
      if (!real.startsWith(ROOT)) found.add(real);
    } catch {
      // not there
    }
  }
  return [...found];
}

describe('ecs-gitops bin', () => {
  it('`npx ecs-gitops --help` in the checkout lists the commands and exits 0', () => {
    const run = spawnSync('npx', ['ecs-gitops', '--help'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 180_000,
    });
    expect(run.stderr.replace(/^npm warn .*\n/gm, '')).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(COMMAND_LIST);
  }, 200_000);

  it('started by a Node without type stripping, runs the CLI on the project Node and passes its exit code on', () => {
    const flags = ['--no-experimental-strip-types', BIN];
    const help = spawnSync(process.execPath, [...flags, '--help'], { encoding: 'utf8', timeout: 60_000 });
    expect(help.stderr).toBe('');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(COMMAND_LIST);
    const unknown = spawnSync(process.execPath, [...flags, 'stauts'], { encoding: 'utf8', timeout: 60_000 });
    expect(unknown.status).toBe(64);
    expect(unknown.stderr).toContain('unknown command "stauts"');
  }, 120_000);

  it('with neither a Node that strips types, nor the project Node, nor a build, says to run npm ci (exit 70)', () => {
    const bare = mkdtempSync(path.join(tmpdir(), 'ecs-gitops-bin-'));
    try {
      mkdirSync(path.join(bare, 'bin'));
      copyFileSync(BIN, path.join(bare, 'bin/ecs-gitops.js'));
      const run = spawnSync(
        process.execPath,
        ['--no-experimental-strip-types', path.join(bare, 'bin/ecs-gitops.js'), 'status'],
        { encoding: 'utf8', timeout: 60_000 },
      );
      expect(run.status).toBe(70);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain('does not run TypeScript sources (Node 22.18 or newer does)');
      expect(run.stderr).toContain(`Run \`npm ci\` in ${bare}/`);
    } finally {
      rmSync(bare, { recursive: true, force: true });
    }
  }, 120_000);

  it.each(machineNodes())(
    'started by the machine Node %s, prints the help',
    (node) => {
      const run = spawnSync(node, [BIN, '--help'], { encoding: 'utf8', timeout: 60_000 });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(run.stdout).toMatch(COMMAND_LIST);
    },
    120_000,
  );
});
