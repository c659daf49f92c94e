// Dockerfile.deployer sizes V8 to the deployer's Fargate task through NODE_OPTIONS. Node refuses
// to start on a flag it does not know or does not allow in NODE_OPTIONS (exit 9), so this starts
// Node 24 with exactly the image's NODE_OPTIONS and checks the heap limit V8 ends up with fits the
// task's memory as infra declares it.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { environment, parseDockerfile } from '../../support/dockerfile.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const MIB = 1024 * 1024;

function deployerTaskMemoryMiB(): number {
  const source = readFileSync(path.join(ROOT, 'infra/lib/deployer-service.ts'), 'utf8');
  const match = /memoryLimitMiB:\s*(\d+)/.exec(source);
  if (!match)
    throw new Error('infra/lib/deployer-service.ts no longer says memoryLimitMiB: N; update this test');
  return Number(match[1]);
}

describe('Dockerfile.deployer NODE_OPTIONS', () => {
  const env = environment(
    parseDockerfile(readFileSync(path.join(ROOT, 'Dockerfile.deployer'), 'utf8')).final,
  );
  const options = env.NODE_OPTIONS ?? '';

  it('sets the old-space and semi-space limits explicitly', () => {
    expect(options).toMatch(/--max-old-space-size=\d+/);
    expect(options).toMatch(/--max-semi-space-size=\d+/);
  });

  it('start Node 24 cleanly, and the heap they allow leaves 160 MiB of the task for code, buffers and git', () => {
    const run = spawnSync(
      process.execPath,
      ['-p', 'JSON.stringify(require("node:v8").getHeapStatistics())'],
      { env: { PATH: process.env.PATH ?? '', NODE_OPTIONS: options }, encoding: 'utf8' },
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const limitMiB = (JSON.parse(run.stdout) as { heap_size_limit: number }).heap_size_limit / MIB;
    const oldSpace = Number(/--max-old-space-size=(\d+)/.exec(options)?.[1]);
    const semiSpace = Number(/--max-semi-space-size=(\d+)/.exec(options)?.[1]);
    // V8's young generation is three semi-spaces (Node's --max-semi-space-size docs).
    expect(limitMiB).toBeCloseTo(oldSpace + 3 * semiSpace, -1);
    expect(limitMiB + 160).toBeLessThanOrEqual(deployerTaskMemoryMiB());
  });

  it('a flag Node does not know would have failed this check (exit 9, the flag named)', () => {
    const run = spawnSync(process.execPath, ['-e', '0'], {
      env: { PATH: process.env.PATH ?? '', NODE_OPTIONS: `${options} --max-semispace-size=8` },
      encoding: 'utf8',
    });
    expect(run.status).toBe(9);
    expect(run.stderr).toContain('--max-semispace-size');
  });
});
