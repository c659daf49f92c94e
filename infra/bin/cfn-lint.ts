// `npm run cfn-lint`: CloudFormation's own linter over the synthesized template (run `npm run synth`
// first). Fails on any finding not acknowledged in infra/lib/acknowledgements.ts (CFN_LINT_IGNORED).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { CFN_LINT_IGNORED } from '../lib/acknowledgements.ts';

export const TEMPLATE = resolve(import.meta.dirname, '../cdk.out/EcsGitOps.template.json');

export interface LintResult {
  ok: boolean;
  output: string;
}

/** Runs cfn-lint on a template; throws with what to do when cfn-lint is not installed. */
export function cfnLint(template: string): LintResult {
  const ignored = Object.keys(CFN_LINT_IGNORED);
  const result = spawnSync(
    'cfn-lint',
    ['--format', 'parseable', '--ignore-checks', ...ignored, '--', template],
    {
      encoding: 'utf8',
    },
  );
  if (result.error && (result.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new Error('cfn-lint is not on PATH: install it with `pip install cfn-lint` (CI needs 1.x).');
  }
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}`.trim() };
}

if (import.meta.main) {
  if (!existsSync(TEMPLATE)) {
    console.error(`${TEMPLATE} does not exist: run \`npm run synth\` first.`);
    process.exit(2);
  }
  try {
    const { ok, output } = cfnLint(TEMPLATE);
    console.log(ok ? `cfn-lint: no findings in ${TEMPLATE}` : output);
    process.exit(ok ? 0 : 1);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }
}
