import type { Reporter, TestModule } from 'vitest/node';

// Vitest's own summary is not a format CI tools read; add the plain "N passed, N failed" line.
export default class PlainSummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const mod of testModules) {
      for (const test of mod.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
      }
    }
    const moduleErrors = testModules.filter((m) => m.state() === 'failed' && !m.children.size).length;
    console.log(`\ntests: ${passed} passed, ${failed + moduleErrors} failed, ${skipped} skipped`);
  }
}
