// An ES import of node:http reads every export of the module, and three of them (WebSocket, CloseEvent,
// MessageEvent) are getters that load undici, Node's fetch: ~1.7 MiB of V8 heap and ~5 MiB resident
// that a deployer, which never calls fetch, kept for its whole life. The deployer takes node:http and
// node:https through process.getBuiltinModule (adapters/http/verify-probe.ts); this checks the result.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileCacheEnv } from '../../../local/tasks/compile-cache.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');

/** The builtin modules a fresh Node process has loaded after importing `entry` (nothing run). */
function builtinsLoadedBy(entry: string): string[] {
  const script = [
    `await import(${JSON.stringify(pathToFileURL(path.join(ROOT, entry)).href)});`,
    'process.stdout.write(JSON.stringify(process.moduleLoadList));',
  ].join('\n');
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...compileCacheEnv() },
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`importing ${entry} failed:\n${run.stderr}`);
  return (JSON.parse(run.stdout) as string[]).filter((name) => name.startsWith('NativeModule '));
}

describe('the deployer loads only the Node builtins it uses', () => {
  it('importing deployer/main.ts loads node:http and node:https but not undici', () => {
    const loaded = builtinsLoadedBy('deployer/main.ts');
    expect(loaded).toEqual(expect.arrayContaining(['NativeModule http', 'NativeModule https']));
    expect(loaded.filter((name) => name.includes('undici'))).toEqual([]);
  });
});
