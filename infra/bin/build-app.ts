import { resolve } from 'node:path';
import { type App, Validations } from 'aws-cdk-lib';
import cdkNag from 'cdk-nag';

// cdk-nag is CommonJS without statically detectable named exports.
const { AwsSolutionsChecks } = cdkNag;

import { GitOpsStack } from '../lib/gitops-stack.ts';
import { readInitialService } from '../lib/initial-image.ts';

const repoRoot = resolve(import.meta.dirname, '../..');

function context(app: App, key: string): string | undefined {
  const value: unknown = app.node.tryGetContext(key);
  return value === undefined || value === null ? undefined : String(value);
}

/** Builds the app; `cdk deploy` (bin/app.ts) and `npm run synth` (bin/synth.ts) share this. */
export function buildApp(app: App): GitOpsStack {
  const configFile = resolve(repoRoot, context(app, 'serviceConfig') ?? 'config/services/actors.yaml');
  const managed = readInitialService(configFile, context(app, 'initialImageTag'));
  const account = context(app, 'account');
  // ALB access logging needs a concrete region (its log-delivery principal differs per region).
  const region = context(app, 'region') ?? process.env.CDK_DEFAULT_REGION ?? 'us-east-1';
  const deployerCount = context(app, 'deployerDesiredCount');
  const serviceCount = context(app, 'serviceDesiredCount');
  const stack = new GitOpsStack(app, 'EcsGitOps', {
    env: { account, region },
    managed,
    deployerImageTag: context(app, 'deployerImageTag') ?? 'latest',
    deployerDesiredCount: deployerCount === undefined ? undefined : Number(deployerCount),
    serviceDesiredCount: serviceCount === undefined ? undefined : Number(serviceCount),
    configRepository: context(app, 'configRepository') ?? 'https://github.com/OWNER/REPO.git',
    configBranch: context(app, 'configBranch') ?? 'main',
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return stack;
}
