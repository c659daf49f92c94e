import { availableParallelism } from 'node:os';
import path from 'node:path';
import { defineConfig } from 'vitest/config';
import SlowestFirstSequencer from './test/slowest-first-sequencer.ts';
import {
  filesAtATime,
  processFilesSetting,
  sampleCoresBusyElsewhere,
} from './test/support/files-at-a-time.ts';

// Three layers, one `npm test`: `unit` is pure and in-process (no child processes, no sockets beyond
// Fastify's inject or a loopback test server, milliseconds per test); `integration` runs real servers,
// processes, git, biome, moto and the CDK synth; `e2e` drives the whole deployer as a user would.
// `npm run test:unit` is the quick loop; `npm test` runs all three.
const exclude = ['**/node_modules/**', '**/dist/**', '**/cdk.out/**'];

// Integration and e2e files spend most of their time waiting on child processes, sockets and timers,
// so those two layers run several files at once (vitest's default, availableParallelism - 1, is one
// file at a time on a 2-core machine). Each file listens on port 0 and works in its own mkdtemp
// directory, so files never collide (docs/testing.md, "How the layers run"). The counts come from how
// busy other work keeps the cores during half a second at the start (test/support/files-at-a-time.ts),
// not from the 1-minute load average: a CI run's own npm ci, lint and typecheck leave a load of 2-4.5
// behind them on idle cores, and a run that read 4.4 as "saturated" went one file at a time for ~40
// minutes. VITEST_MAX_WORKERS (which also skips the sample) or --maxWorkers overrides the counts;
// TEST_PROCESS_FILES=N sets only the integration and e2e count (to measure whether more files at once
// keep 2 cores busier: those layers mostly wait on processes).
const cores = availableParallelism();
const sampled = process.env.VITEST_MAX_WORKERS ? undefined : await sampleCoresBusyElsewhere();
const busyElsewhere = sampled ?? 0;
// Printed by test/global-setup.ts with the counts.
if (sampled !== undefined) process.env.TEST_CORES_BUSY_ELSEWHERE = sampled.toFixed(1);
const { unit: UNIT_WORKERS, process: PROCESS_WORKERS } = filesAtATime(
  cores,
  busyElsewhere,
  processFilesSetting(process.env.TEST_PROCESS_FILES),
);

// Upper bounds, not expectations: a test that waits on a condition returns as soon as it holds. A node
// child process that starts in a second on an idle machine has taken 10-20 s on a loaded 2-core one,
// so the process layers allow for that; a real hang still fails.
const PROCESS_TIMEOUTS = { testTimeout: 60_000, hookTimeout: 120_000 };

// The process layers share one module graph per worker too (as the unit layer does, below): a fresh
// worker per file paid ~1 s of CPU to start vitest and import the local world, Fastify and the SDK
// again, for each of ~100 files (measured on ten light files: 19.7 → 9.1 s of CPU). Their files start
// and stop what they use in their hooks; test/unit/architecture/unit-isolation.test.ts refuses the
// leaks that would reach the next file (module mocks, global stubs, an environment not restored).
const PROCESS_ISOLATION = { isolate: false };

// Node's on-disk compile cache (https://nodejs.org/api/module.html#module-compile-cache): the test
// workers and every node process they spawn with the environment passed on (the deployer, the CLI,
// task processes) import the same few thousand modules; compiling them once instead of in every
// process cut the CPU time of process-spawning test files by about 15 %. Under node_modules, so
// `npm ci` starts it afresh and git never sees it.
const COMPILE_CACHE = path.resolve(import.meta.dirname, 'node_modules/.cache/node-compile-cache');

export default defineConfig({
  test: {
    env: { NODE_COMPILE_CACHE: process.env.NODE_COMPILE_CACHE ?? COMPILE_CACHE },
    globalSetup: ['./test/global-setup.ts'],
    // Per test file: the worker's CPU, its children's and the wall time (test/cpu-per-file.ts).
    setupFiles: process.env.TEST_CPU_PER_FILE ? ['./test/cpu-per-file.ts'] : [],
    reporters: ['default', './test/plain-summary-reporter.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // A fresh clone has no durations of an earlier run: the slowest files start first anyway.
    sequence: { sequencer: SlowestFirstSequencer },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'deployer/**/*.test.ts', 'service/**/*.test.ts'],
          exclude,
          // One module graph per worker, not per file: importing Fastify, ajv and the SDK again for
          // each of ~90 files was two thirds of the layer's CPU (116 s → 37 s, docs/testing.md). Safe
          // because unit tests keep no module-level state; test/unit/architecture/unit-isolation.test.ts
          // refuses the things that would leak between files (module mocks, global and env stubs).
          isolate: false,
          // Runs first, alone, so a unit failure shows in seconds. CPU-bound: one file per core.
          maxWorkers: UNIT_WORKERS,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: [
            'test/integration/**/*.test.ts',
            'test/contract/**/*.test.ts',
            'test/resilience/**/*.test.ts',
            'test/toolchain.test.ts',
            'local/**/*.test.ts',
            'infra/**/*.test.ts',
          ],
          exclude,
          maxWorkers: PROCESS_WORKERS,
          sequence: { groupOrder: 1 },
          ...PROCESS_TIMEOUTS,
          ...PROCESS_ISOLATION,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          exclude,
          maxWorkers: PROCESS_WORKERS,
          sequence: { groupOrder: 1 },
          ...PROCESS_TIMEOUTS,
          ...PROCESS_ISOLATION,
        },
      },
    ],
  },
});
