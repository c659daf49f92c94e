// `npm run cfn-lint`: CloudFormation's own linter over the synthesized templates, the default one and the
// TLS + GitHub OIDC variant (run `npm run synth` first). Fails on any finding not acknowledged in
// infra/lib/acknowledgements.ts (CFN_LINT_IGNORED).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { basename, delimiter, dirname, join, resolve } from 'node:path';
import { CFN_LINT_IGNORED } from '../lib/acknowledgements.ts';

export const TEMPLATE = resolve(import.meta.dirname, '../cdk.out/EcsGitOps.template.json');
/** Where infra/bin/synth.ts writes the example TLS + GitHub OIDC assembly. */
export const VARIANT_OUTDIR = resolve(import.meta.dirname, '../cdk.out/variant-tls');
export const TEMPLATES = [TEMPLATE, resolve(VARIANT_OUTDIR, 'EcsGitOps.template.json')];

export interface LintResult {
  ok: boolean;
  output: string;
}

/**
 * The cfn-lint to spawn: the first on PATH, except that a pyenv shim is skipped for the one installed
 * version's own entry point when exactly one version has cfn-lint (the shim runs bash scripts to find it
 * each time: ~0.6 s of CPU, a quarter of cfn-lint's own start-up). With no or several versions that have
 * it, the shim stays, and pyenv picks the active version as usual.
 */
function cfnLintExecutable(path = process.env.PATH ?? ''): string {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const onPath = join(dir, 'cfn-lint');
    if (!existsSync(onPath)) continue;
    const versions = join(dirname(dir), 'versions');
    if (basename(dir) !== 'shims' || !existsSync(versions)) return onPath;
    const installed = readdirSync(versions)
      .map((version) => join(versions, version, 'bin', 'cfn-lint'))
      .filter((entry) => existsSync(entry));
    return installed.length === 1 ? (installed[0] as string) : onPath;
  }
  return 'cfn-lint';
}

/**
 * Runs cfn-lint on templates, in one process (starting cfn-lint costs more CPU than linting a template
 * with it); each finding names its file. Throws with what to do when cfn-lint is not installed.
 */
export function cfnLint(templates: readonly string[]): LintResult {
  const ignored = Object.keys(CFN_LINT_IGNORED);
  const result = spawnSync(
    cfnLintExecutable(),
    ['--format', 'parseable', '--ignore-checks', ...ignored, '--', ...templates],
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
  const missing = TEMPLATES.filter((template) => !existsSync(template));
  if (missing.length > 0) {
    console.error(`${missing.join(', ')} missing: run \`npm run synth\` first.`);
    process.exit(2);
  }
  try {
    const { ok, output } = cfnLint(TEMPLATES);
    console.log(ok ? `cfn-lint: no findings in ${TEMPLATES.join(', ')}` : output);
    process.exit(ok ? 0 : 1);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }
}
