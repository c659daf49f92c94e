// Offline synthesis without the CDK CLI or AWS credentials:
// `node infra/bin/synth.ts [-c key=value ...]` (same context keys as `cdk -c`).
// Also writes infra/generated/intake.json, the intake settings the local world is built from, and
// synthesises the optional modes (your domain's TLS, the GitHub OIDC push role, an ECS canary) with example values
// into infra/cdk.out/variant-tls, so cdk-nag, cfn-guard and `npm run cfn-lint` check that template too.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { App } from 'aws-cdk-lib';
import { EXAMPLE_TLS_CONTEXT } from '../lib/edge-tls.ts';
import { extractIntakeTemplate, INTAKE_TEMPLATE_FILE } from '../lib/intake-template.ts';
import { APP_DEFAULTS, buildApp, EXAMPLE_GITHUB_CONTEXT, EXAMPLE_STRATEGY_CONTEXT } from './build-app.ts';
import { VARIANT_OUTDIR } from './cfn-lint.ts';

function contextFromArgs(args: string[]): Record<string, string> {
  const context: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    if (args[i] !== '-c' && args[i] !== '--context') continue;
    const [key, ...rest] = (args[++i] ?? '').split('=');
    if (key && rest.length > 0) context[key] = rest.join('=');
  }
  return context;
}

const context = contextFromArgs(process.argv.slice(2));
const app = new App({ ...APP_DEFAULTS, outdir: resolve(import.meta.dirname, '../cdk.out'), context });
let stack: ReturnType<typeof buildApp>;
try {
  stack = buildApp(app);
} catch (error) {
  // A context value the app refuses: the message says what to pass; a stack trace would bury it.
  console.error(`synth: ${(error as Error).message}`);
  process.exit(2);
}
const assembly = app.synth();
const variant = new App({
  ...APP_DEFAULTS,
  outdir: VARIANT_OUTDIR,
  context: { ...context, ...EXAMPLE_TLS_CONTEXT, ...EXAMPLE_GITHUB_CONTEXT, ...EXAMPLE_STRATEGY_CONTEXT },
});
buildApp(variant);
for (const synthesized of [...assembly.stacks, ...variant.synth().stacks])
  console.log(`synthesised ${synthesized.stackName} -> ${synthesized.templateFullPath}`);
const intake = extractIntakeTemplate(stack, stack.intake, assembly.getStackByName(stack.stackName).template);
const intakeFile = resolve(import.meta.dirname, '../..', INTAKE_TEMPLATE_FILE);
// Rewritten only when the settings change, so the committed (biome-formatted) file stays as it is.
const committed = existsSync(intakeFile) ? JSON.stringify(JSON.parse(readFileSync(intakeFile, 'utf8'))) : '';
if (committed === JSON.stringify(intake)) console.log(`${INTAKE_TEMPLATE_FILE} is up to date`);
else {
  writeFileSync(intakeFile, `${JSON.stringify(intake, null, 2)}\n`);
  console.log(`wrote ${INTAKE_TEMPLATE_FILE}`);
}
