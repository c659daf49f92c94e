// Offline synthesis without the CDK CLI or AWS credentials:
// `node infra/bin/synth.ts [-c key=value ...]` (same context keys as `cdk -c`).
import { resolve } from 'node:path';
import { App } from 'aws-cdk-lib';
import { buildApp } from './build-app.ts';

function contextFromArgs(args: string[]): Record<string, string> {
  const context: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    if (args[i] !== '-c' && args[i] !== '--context') continue;
    const [key, ...rest] = (args[++i] ?? '').split('=');
    if (key && rest.length > 0) context[key] = rest.join('=');
  }
  return context;
}

const app = new App({
  outdir: resolve(import.meta.dirname, '../cdk.out'),
  context: contextFromArgs(process.argv.slice(2)),
});
buildApp(app);
const assembly = app.synth();
for (const stack of assembly.stacks)
  console.log(`synthesised ${stack.stackName} -> ${stack.templateFullPath}`);
