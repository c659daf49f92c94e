// Shared by the infra tests: synthesise the real app against fixture configs, once per context in a
// test worker. The infra files share their worker's module graph (`isolate: false`, vitest.config.ts),
// and seven of them read the default template: each synth after the first cost ~0.5 s of CPU for the
// same result. Tests only read the stack, the template and the output directory, never change them.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { APP_DEFAULTS, buildApp } from '../bin/build-app.ts';
import type { GitOpsStack } from '../lib/gitops-stack.ts';

/** A full synth takes seconds, and far longer on a loaded CI machine. */
export const SYNTH_TIMEOUT_MS = 180_000;

export const FIXTURES = resolve(import.meta.dirname, 'fixtures');

export interface SynthesizedApp {
  stack: GitOpsStack;
  template: Template;
  outdir: string;
}

const synthesized = new Map<string, SynthesizedApp>();

/**
 * The app synthesised with `context` on top of the fixtures, with cdk-nag (the infra tests read its report
 * in the output directory). `policyChecks: 'none'` is for a file that only reads the template and runs
 * no other synth (test/e2e/deployer/moto-eventbridge.test.ts): it does not import cdk-nag (~0.7 s of CPU
 * in its worker), and the template is the same, so a synth with cdk-nag of the same context serves it.
 */
export function synthApp(
  context: Record<string, string> = {},
  { policyChecks = 'nag' }: { policyChecks?: 'nag' | 'none' } = {},
): SynthesizedApp {
  const key = JSON.stringify(Object.entries(context).sort(([a], [b]) => a.localeCompare(b)));
  const known =
    synthesized.get(`nag ${key}`) ?? (policyChecks === 'none' ? synthesized.get(`none ${key}`) : undefined);
  if (known) return known;
  const outdir = mkdtempSync(join(tmpdir(), 'ecs-gitops-cdk-'));
  const app = new App({
    ...APP_DEFAULTS,
    outdir,
    context: {
      serviceConfig: join(FIXTURES, 'services/actors.yaml'),
      region: 'eu-west-1',
      // No copy of the two images' build context (the repository, 5.6 MB) into every output directory:
      // the asset manifest names the repository in place, as `cdk synth --no-staging` does
      // (DISABLE_ASSET_STAGING_CONTEXT, aws-cdk-lib/cx-api). The templates and asset hashes are the same.
      'aws:cdk:disable-asset-staging': true,
      ...context,
    },
  });
  const stack = buildApp(app, { policyChecks });
  app.synth();
  const result = { stack, template: Template.fromStack(stack), outdir };
  synthesized.set(`${policyChecks} ${key}`, result);
  return result;
}
