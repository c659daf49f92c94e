// Every project runs with `isolate: false` (vitest.config.ts): its files share one module graph per
// worker, so a file that mocks a module, stubs a global or the environment, or fakes the timers for
// the process would change what the next file sees. No unit test may; use the fakes
// (test/support/fakes) and an injected Clock instead. The process layers may only where the file
// puts the environment back, listed below with how.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const UNIT = path.resolve(import.meta.dirname, '..');
const ROOT = path.resolve(UNIT, '../..');
const LEAKS =
  /\bvi\.(mock|doMock|stubGlobal|stubEnv|useFakeTimers|spyOn)\(|process\.env\.\w+\s*=[^=]|Object\.assign\(process\.env/;

/** The integration and e2e projects' folders (vitest.config.ts). */
const PROCESS_LAYERS = ['test/integration', 'test/contract', 'test/resilience', 'test/e2e', 'local', 'infra'];
const RESTORES_ENVIRONMENT: Record<string, string> = {
  'test/integration/adapters/map-aws-error.test.ts':
    'sets AWS_ENDPOINT_URL_ECS for one test, restored in finally',
  'test/integration/adapters/aws-adapters-world.test.ts': "adds the world's endpoints, restored in afterAll",
};

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(full);
    if (entry.name === 'node_modules' || entry.name === 'cdk.out') return [];
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

describe('unit tests share modules', () => {
  it('no unit test mocks modules, stubs globals or the environment, or fakes the process timers', () => {
    const self = path.join(UNIT, 'architecture/unit-isolation.test.ts');
    const leaking = testFiles(UNIT)
      .filter((file) => file !== self && LEAKS.test(readFileSync(file, 'utf8')))
      .map((file) => path.relative(UNIT, file));
    expect(leaking).toEqual([]);
  });

  it('no unit test starts a process (it belongs to the integration layer: the unit layer stays in seconds)', () => {
    const self = path.join(UNIT, 'architecture/unit-isolation.test.ts');
    const spawning = testFiles(UNIT)
      .filter((file) => file !== self && /from 'node:child_process'/.test(readFileSync(file, 'utf8')))
      .map((file) => path.relative(UNIT, file));
    expect(spawning).toEqual([]);
  });

  it('no integration or e2e test does, except the files that put the environment back', () => {
    const leaking = PROCESS_LAYERS.flatMap((dir) => testFiles(path.join(ROOT, dir)))
      .filter((file) => file.endsWith('.test.ts') && LEAKS.test(readFileSync(file, 'utf8')))
      .map((file) => path.relative(ROOT, file));
    expect(leaking.sort()).toEqual(Object.keys(RESTORES_ENVIRONMENT).sort());
  });
});
