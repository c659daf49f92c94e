// The real CLI entry in a child process: exit codes and streams exactly as a shell or CI sees them.
// (The dispatch itself is unit-tested in-process: test/unit/cli/validate-cli-main.test.ts.)
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const MAIN = path.join(import.meta.dirname, '../../../deployer/cli/main.ts');
const ROOT = path.join(import.meta.dirname, '../../..');

describe('ecs-gitops entry (spawned)', () => {
  it('lists validate in --help and exits 0', () => {
    const run = spawnSync(process.execPath, [MAIN, '--help'], { encoding: 'utf8', timeout: 50_000 });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(
      /^ {2}validate +check a config directory offline, exactly as the deployer would load it$/m,
    );
  });

  it('exits 64 for an unknown verb', () => {
    const run = spawnSync(process.execPath, [MAIN, 'nope'], { encoding: 'utf8', timeout: 50_000 });
    expect(run.status).toBe(64);
    expect(run.stderr).toContain('unknown command "nope"');
  });
});

describe('ecs-gitops validate (spawned)', () => {
  it('validate on the repository config, with the stack values in STACK_VALUES, prints ok and exits 0', () => {
    const run = spawnSync(process.execPath, [MAIN, 'validate'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 50_000,
      // The repository config holds ${stack:} placeholders: given their values they resolve quietly.
      env: {
        ...process.env,
        STACK_VALUES: JSON.stringify({
          CloudFrontUrl: 'https://d111111abcdef8.cloudfront.net',
          DistributionId: 'E2EXAMPLE',
        }),
      },
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^ok: /);
  });
});
