// The unit project runs with `isolate: false` (vitest.config.ts): its files share one module graph
// per worker, so a file that mocks a module, stubs a global or the environment, or fakes the timers
// for the process would change what the next file sees. None may; use the fakes (test/support/fakes)
// and an injected Clock instead.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const UNIT = path.resolve(import.meta.dirname, '..');
const LEAKS = /\bvi\.(mock|doMock|stubGlobal|stubEnv|useFakeTimers|spyOn)\(|process\.env\.\w+\s*=[^=]/;

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(full);
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
});
