import { defineConfig } from 'vitest/config';

// Three layers, one `npm test`: `unit` is pure and in-process (no child processes, no sockets beyond
// Fastify's inject or a loopback test server, milliseconds per test); `integration` runs real servers,
// processes, git, biome, moto and the CDK synth; `e2e` drives the whole deployer as a user would.
// `npm run test:unit` is the quick loop; `npm test` runs all three.
const exclude = ['**/node_modules/**', '**/dist/**', '**/cdk.out/**'];

export default defineConfig({
  test: {
    globalSetup: ['./test/global-setup.ts'],
    reporters: ['default', './test/plain-summary-reporter.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
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
        },
      },
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], exclude } },
    ],
  },
});
