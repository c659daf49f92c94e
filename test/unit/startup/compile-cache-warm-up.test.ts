// The test run's compile-cache warm-up (test/compile-cache-warm-up.ts, started by test/global-setup.ts)
// compiles what the spawned programs load, and starts none of them.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { modulesToWarm, SPAWNED_PROGRAMS } from '../../compile-cache-warm-up.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const inRoot = (...files: string[]) => files.map((file) => path.join(ROOT, file));

describe('the compile-cache warm-up of a test run', () => {
  it("imports the deployer's, the local world's, the service's and the CLI's modules, dynamic imports included", async () => {
    const modules = await modulesToWarm();
    expect(modules).toEqual(
      expect.arrayContaining(
        inRoot(
          'deployer/main.ts',
          'deployer/http/server.ts',
          'deployer/contract/generated/deployer-status-serializer.js',
          // Behind dynamic imports: local mode and the on-demand AWS adapters.
          'deployer/startup/local-mode.ts',
          'deployer/adapters/aws/cloudfront-adapter.ts',
          'local/world.ts',
          'local/ecs/server.ts',
          'service/app.ts',
          'deployer/cli/main.ts',
        ),
      ),
    );
    expect(modules.every((file) => /\.(ts|js|mjs)$/.test(file))).toBe(true);
  });

  it('leaves out the entry modules that start their program when imported', async () => {
    const modules = await modulesToWarm();
    const starting = SPAWNED_PROGRAMS.filter((program) => !program.importable).map((p) => p.entry);
    expect(starting).toEqual(['service/main.ts', 'local/main.ts', 'local/push.ts']);
    expect(modules.filter((file) => inRoot(...starting).includes(file))).toEqual([]);
  });

  it('imports an entry module only if it runs nothing unless it is the main module', async () => {
    for (const { entry, importable } of SPAWNED_PROGRAMS) {
      const source = await readFile(path.join(ROOT, entry), 'utf8');
      expect({ entry, guarded: /^if \(import\.meta\.main\)/m.test(source) }).toEqual({
        entry,
        guarded: importable,
      });
    }
  });
});
