import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { type App, Validations } from 'aws-cdk-lib';
import { edgeTls } from '../lib/edge-tls.ts';
import { readEnvironmentRoles } from '../lib/environment-roles.ts';
import { GitOpsStack } from '../lib/gitops-stack.ts';
import { checkImagePushContext } from '../lib/image-push-role.ts';
import { readInitialService } from '../lib/initial-image.ts';
import { readServiceRollout } from '../lib/service-strategy.ts';
import { ControlTowerGuard } from './control-tower-guard.ts';

const repoRoot = resolve(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);

/**
 * App props every entry point uses. CDK's built-in template validator only warns and costs ~20 s of
 * CPU per synth; cfn-lint (infra/bin/cfn-lint.ts, run by .ci/run) checks the template instead and fails
 * on errors.
 */
export const APP_DEFAULTS = { builtinCloudFormationValidation: false } as const;

/** Every `-c key=value` the app reads (docs/aws.md documents each; infra/test/aws-docs.test.ts checks). */
export const CONTEXT_KEYS = [
  'region',
  'account',
  'serviceConfig',
  'images',
  'initialImageTag',
  'deployerImageTag',
  'deployerDesiredCount',
  'serviceDesiredCount',
  'serviceMaxCount',
  'configRepository',
  'configBranch',
  'domainName',
  'certificateArn',
  'originCertificateArn',
  'originDomainName',
  'githubRepository',
  'githubOidcProviderArn',
] as const;

/**
 * A service config with an ECS canary (alternate target group, listener rules, ECS infrastructure role),
 * synthesised and linted by `npm run synth` with the other optional modes.
 */
export const EXAMPLE_STRATEGY_CONTEXT = {
  serviceConfig: 'infra/examples/canary/services/actors.yaml',
} as const;

/** Example of the GitHub OIDC push role's context, synthesised and linted by `npm run synth`. */
export const EXAMPLE_GITHUB_CONTEXT = { githubRepository: 'octo-org/ecs-gitops' } as const;

function context(app: App, key: (typeof CONTEXT_KEYS)[number]): string | undefined {
  const value: unknown = app.node.tryGetContext(key);
  return value === undefined || value === null ? undefined : String(value);
}

export interface BuildOptions {
  /**
   * `all` (default: `cdk deploy`, `npm run synth`): cdk-nag and cfn-guard. `nag`: cdk-nag only, for the
   * unit tests' many synths; cfn-guard (about 6 s of CPU per template, control-tower-guard.ts) runs in
   * test/integration/infra/template-checks.test.ts. `none`: no policy check, for a test that only reads
   * the template (the checks report findings and change nothing in it).
   */
  policyChecks?: 'all' | 'nag' | 'none';
}

function imageSource(value: string | undefined): 'asset' | 'repository' {
  if (value === undefined || value === 'asset' || value === 'repository') return value ?? 'asset';
  throw new Error(
    `-c images=${value}: expected 'asset' (build both images at deploy, the default) or 'repository' (use tags already pushed)`,
  );
}

/** Builds the app; `cdk deploy` (bin/app.ts) and `npm run synth` (bin/synth.ts) share this. */
export function buildApp(app: App, options: BuildOptions = {}): GitOpsStack {
  const configFile = resolve(repoRoot, context(app, 'serviceConfig') ?? 'config/services/actors.yaml');
  const managed = readInitialService(configFile, context(app, 'initialImageTag'));
  const rollout = readServiceRollout(configFile, managed.name);
  const environmentRoles = readEnvironmentRoles(configFile);
  const account = context(app, 'account');
  // ALB access logging needs a concrete region (its log-delivery principal differs per region).
  const region = context(app, 'region') ?? process.env.CDK_DEFAULT_REGION ?? 'us-east-1';
  const deployerCount = context(app, 'deployerDesiredCount');
  const serviceCount = context(app, 'serviceDesiredCount');
  const serviceMax = context(app, 'serviceMaxCount');
  const tls = edgeTls(
    {
      domainName: context(app, 'domainName'),
      certificateArn: context(app, 'certificateArn'),
      originCertificateArn: context(app, 'originCertificateArn'),
      originDomainName: context(app, 'originDomainName'),
    },
    region,
  );
  const githubRepository = context(app, 'githubRepository');
  const githubOidcProviderArn = context(app, 'githubOidcProviderArn');
  if (githubOidcProviderArn !== undefined && githubRepository === undefined)
    throw new Error(
      '-c githubOidcProviderArn only applies with -c githubRepository=owner/name (the repository whose workflow pushes images)',
    );
  if (githubRepository !== undefined) checkImagePushContext(githubRepository, githubOidcProviderArn);
  const stack = new GitOpsStack(app, 'EcsGitOps', {
    env: { account, region },
    managed,
    environmentRoles,
    rollout,
    imageSource: imageSource(context(app, 'images')),
    repoRoot,
    deployerImageTag: context(app, 'deployerImageTag') ?? 'latest',
    deployerDesiredCount: deployerCount === undefined ? undefined : Number(deployerCount),
    serviceDesiredCount: serviceCount === undefined ? undefined : Number(serviceCount),
    serviceMaxCount: serviceMax === undefined ? undefined : Number(serviceMax),
    configRepository: context(app, 'configRepository') ?? 'https://github.com/OWNER/REPO.git',
    configBranch: context(app, 'configBranch') ?? 'main',
    edgeTls: tls,
    imagePush:
      githubRepository === undefined
        ? undefined
        : { githubRepository, existingOidcProviderArn: githubOidcProviderArn },
  });
  const policyChecks = options.policyChecks ?? 'all';
  if (policyChecks === 'none') return stack;
  // cdk-nag is CommonJS without statically detectable named exports; required only here (importing it
  // costs ~0.7 s of CPU, which a synth without policy checks does not pay).
  const { AwsSolutionsChecks } = require('cdk-nag') as typeof import('cdk-nag');
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  if (policyChecks === 'all') {
    // cfn-guard with the Control Tower rule set (its binary ships in the npm package: nothing is
    // downloaded at install), the rules that can match the template's resource types (a quarter of the
    // CPU of all of them, control-tower-guard.ts). Findings that stand are acknowledged in
    // infra/lib/acknowledgements.ts.
    Validations.of(app).addPlugins(new ControlTowerGuard({ maxBuffer: 16 * 1024 * 1024 }));
  }
  return stack;
}
