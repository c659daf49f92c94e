// GitHub reporting and notifications load their code when configured (startup/reporting.ts): a
// deployer that reports to neither never imports Octokit (and bottleneck, its throttling plugin's
// scheduler) or picomatch.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importClosure } from '../../support/import-closure.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const ON_DEMAND = [
  '@octokit/auth-app',
  '@octokit/core',
  '@octokit/plugin-retry',
  '@octokit/plugin-throttling',
  'picomatch',
];

describe('reporters a deployer may not have load on start when configured', () => {
  it('deployer/main.ts imports Octokit and picomatch only behind a dynamic import', async () => {
    const closure = await importClosure(path.join(ROOT, 'deployer/main.ts'));
    expect(closure.packages.filter((name) => ON_DEMAND.includes(name))).toEqual([]);
    expect(ON_DEMAND.filter((name) => closure.optionalPackages.includes(name))).toEqual(ON_DEMAND);
  });
});
