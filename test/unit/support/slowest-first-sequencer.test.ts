// The order `npm test` starts its files in: on a fresh clone the listed slow files first within each
// layer, one layer after the other (a worker only takes files of its own layer); with the durations of
// an earlier run, vitest's own order.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TestSpecification } from 'vitest/node';
import SlowestFirstSequencer, { SLOWEST_FILES } from '../../slowest-first-sequencer.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');

function spec(file: string, project: string, groupOrder: number): TestSpecification {
  const config = { sequence: { groupOrder }, isolate: false };
  return {
    moduleId: path.join(ROOT, file),
    project: { name: project, config },
  } as unknown as TestSpecification;
}

function sequencer(durations: Map<string, number> | undefined) {
  const result = (s: TestSpecification) => {
    const duration = durations?.get(path.relative(ROOT, s.moduleId));
    return duration === undefined ? undefined : { failed: false, duration };
  };
  const ctx = { cache: { getTestSpecificationResult: result }, config: { root: ROOT } };
  return new SlowestFirstSequencer(ctx as never);
}

const unit = spec('test/unit/readme.test.ts', 'unit', 0);
const small = spec('test/integration/adapters/system-clock.test.ts', 'integration', 1);
const templates = spec('test/integration/infra/template-checks.test.ts', 'integration', 1);
const pin = spec('test/e2e/deployer/github.test.ts', 'e2e', 1);
const localMode = spec('test/e2e/deployer/local-mode.test.ts', 'e2e', 1);
const files = [small, localMode, unit, templates, pin];
const names = (sorted: TestSpecification[]) => sorted.map((s) => path.relative(ROOT, s.moduleId));

describe('SlowestFirstSequencer', () => {
  it('without earlier durations starts the listed slow files first within each layer, after the unit group', async () => {
    expect(SLOWEST_FILES.indexOf('test/e2e/deployer/github.test.ts')).toBeLessThan(
      SLOWEST_FILES.indexOf('test/e2e/deployer/local-mode.test.ts'),
    );
    expect(names(await sequencer(undefined).sort(files))).toEqual(
      names([unit, pin, localMode, templates, small]),
    );
  });

  it('keeps each layer in one block, so a worker that finishes a file finds its next file of the same layer', async () => {
    const chaos = spec('test/resilience/chaos-kill.test.ts', 'integration', 1);
    const dashboard = spec('test/e2e/dashboard/dashboard.test.ts', 'e2e', 1);
    const sorted = await sequencer(undefined).sort([chaos, small, templates, localMode, dashboard, pin]);
    const layers = sorted.map((s) => s.project.name);
    const switches = layers.filter((name, i) => i > 0 && name !== layers[i - 1]).length;
    expect(switches).toBe(1);
  });

  it("with every file's duration from an earlier run keeps vitest's order (by project, slowest first)", async () => {
    const durations = new Map(files.map((s, i) => [path.relative(ROOT, s.moduleId), (i + 1) * 1000]));
    expect(names(await sequencer(durations).sort(files))).toEqual(
      names([unit, pin, localMode, templates, small]),
    );
  });
});
