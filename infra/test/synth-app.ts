// Shared by the infra tests: synthesise the real app once per test file against fixture configs.
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

export function synthApp(context: Record<string, string> = {}): {
  stack: GitOpsStack;
  template: Template;
  outdir: string;
} {
  const outdir = mkdtempSync(join(tmpdir(), 'ecs-gitops-cdk-'));
  const app = new App({
    ...APP_DEFAULTS,
    outdir,
    context: { serviceConfig: join(FIXTURES, 'services/actors.yaml'), region: 'eu-west-1', ...context },
  });
  const stack = buildApp(app, { policyChecks: 'nag' });
  app.synth();
  return { stack, template: Template.fromStack(stack), outdir };
}
