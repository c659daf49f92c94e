// The synthesized template as `npm run synth` and `cdk deploy` produce it passes cfn-guard (Control
// Tower rules) and cdk-nag with every standing finding acknowledged, and cfn-lint with no finding but
// those infra/lib/acknowledgements.ts ignores. cfn-lint caught the CloudFrontUrl output whose
// Description was a token (E6003), which CloudFormation rejects before creating anything.
// Same inputs as `npm run synth` (config/services/actors.yaml, the default region), so this is CI's
// template gate: .ci/run does not synthesise and lint the same two templates a second time.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APP_DEFAULTS,
  buildApp,
  EXAMPLE_GITHUB_CONTEXT,
  EXAMPLE_STRATEGY_CONTEXT,
} from '../../../infra/bin/build-app.ts';
import { cfnLint, type LintResult } from '../../../infra/bin/cfn-lint.ts';
import { EXAMPLE_TLS_CONTEXT } from '../../../infra/lib/edge-tls.ts';

/** The default, and the optional mode: your domain's TLS and the GitHub OIDC push role. */
const MODES: Array<[string, Record<string, string>]> = [
  ['default', {}],
  [
    'TLS + GitHub push role + ECS canary',
    { ...EXAMPLE_TLS_CONTEXT, ...EXAMPLE_GITHUB_CONTEXT, ...EXAMPLE_STRATEGY_CONTEXT },
  ],
];

interface Synthesized {
  outdir: string;
  template: string;
  reports: Array<{ pluginName: string; conclusion: string; violations: unknown[] }>;
}

/** Synthesizes one mode with every policy check (cdk-nag and cfn-guard run inside the synth). */
function synthesize(extra: Record<string, string>): Synthesized {
  const outdir = mkdtempSync(join(tmpdir(), 'ecs-gitops-checks-'));
  const app = new App({ ...APP_DEFAULTS, outdir, context: { ...extra } });
  const stack = buildApp(app, { policyChecks: 'all' });
  const assembly = app.synth();
  const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8'));
  return {
    outdir,
    template: assembly.getStackByName(stack.stackName).templateFullPath,
    reports: report.pluginReports as Synthesized['reports'],
  };
}

/** A template CloudFormation rejects: an output description built from a token (cfn-lint E6003). */
function badTemplate(): string {
  const template = join(mkdtempSync(join(tmpdir(), 'ecs-gitops-lint-')), 'bad.template.json');
  writeFileSync(
    template,
    JSON.stringify({
      Resources: { Topic: { Type: 'AWS::SNS::Topic' } },
      Outputs: {
        Url: {
          Value: { Ref: 'Topic' },
          Description: { 'Fn::Join': ['', ['Try ', { Ref: 'Topic' }]] },
        },
      },
    }),
  );
  return template;
}

describe('synthesized template', () => {
  // Each mode is synthesized once. cfn-lint then reads both templates and a bad one in one run
  // (starting cfn-lint costs more CPU than linting a template): its parseable findings name their file.
  const synthesized = new Map<string, Synthesized>();
  const bad = badTemplate();
  let lint: LintResult;
  const findingsIn = (template: string) =>
    lint.output.split('\n').filter((line) => line.startsWith(`${template}:`));
  beforeAll(() => {
    for (const [mode, extra] of MODES) synthesized.set(mode, synthesize(extra));
    lint = cfnLint([...[...synthesized.values()].map((s) => s.template), bad]);
  }, 300_000);
  // Each output directory holds a copy of the images' build context (5.6 MB): gone once checked.
  afterAll(() => {
    for (const dir of [...[...synthesized.values()].map((s) => s.outdir), dirname(bad)])
      rmSync(dir, { recursive: true, force: true });
  });

  it.each(MODES)('%s: passes cdk-nag and cfn-guard', (mode) => {
    const reports = synthesized.get(mode)?.reports ?? [];
    expect(reports.length).toBeGreaterThan(0);
    for (const plugin of reports) {
      expect(plugin.violations, plugin.pluginName).toEqual([]);
      expect(plugin.conclusion, plugin.pluginName).toBe('success');
    }
  });

  it('both templates pass cfn-lint', () => {
    for (const { template } of synthesized.values()) expect(findingsIn(template)).toEqual([]);
    // Every line of the run is a finding of the bad template: nothing else went wrong.
    expect(lint.output.split('\n').filter((line) => !line.startsWith(`${bad}:`))).toEqual([]);
  });

  it('fails the lint on an output description built from a token (the gate can fail)', () => {
    expect(lint.ok).toBe(false);
    expect(findingsIn(bad).join('\n')).toContain('E6003');
  });
});
