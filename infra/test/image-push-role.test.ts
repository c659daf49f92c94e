// The GitHub OIDC push role of .github/workflows/images.yml: created only with -c githubRepository,
// trusted only by that repository's main branch and v* tags with the sts.amazonaws.com audience, and
// allowed to push to the stack's two ECR repositories and nothing else. The workflow, the trust policy
// and docs/aws.md agree on the refs and the variable that carries the role ARN.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { EXAMPLE_GITHUB_CONTEXT } from '../bin/build-app.ts';
import type { GitOpsStack } from '../lib/gitops-stack.ts';
import { checkImagePushContext, ECR_PUSH_ACTIONS, PUSHING_REFS } from '../lib/image-push-role.ts';
import { SYNTH_TIMEOUT_MS, synthApp } from './synth-app.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const REPOSITORY = EXAMPLE_GITHUB_CONTEXT.githubRepository;
const EXISTING_PROVIDER = 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com';

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;
interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
  Principal?: { Federated?: unknown };
  Condition?: unknown;
}

const idOf = (stack: GitOpsStack, construct: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(construct.node.defaultChild as never);

function pushRole(stack: GitOpsStack, template: Template) {
  const push = stack.imagePush;
  if (!push) throw new Error('no image push role in the stack');
  const role = (template.findResources('AWS::IAM::Role') as Resources)[idOf(stack, push.role)];
  const policyId = idOf(stack, push.role.node.findChild('DefaultPolicy') as never);
  const policy = (template.findResources('AWS::IAM::Policy') as Resources)[policyId];
  if (!role || !policy) throw new Error('the push role or its policy is missing from the template');
  return {
    trust: (role.Properties.AssumeRolePolicyDocument as { Statement: Statement[] }).Statement,
    permissions: (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement,
    attachedTo: policy.Properties.Roles,
  };
}

const expectedCondition = {
  StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
  StringLike: {
    'token.actions.githubusercontent.com:sub': [
      `repo:${REPOSITORY}:ref:refs/heads/main`,
      `repo:${REPOSITORY}:ref:refs/tags/v*`,
    ],
  },
};

describe('checkImagePushContext', () => {
  it.each([
    ['octo-org', /expected owner\/name/],
    ['https://github.com/octo-org/ecs-gitops', /expected owner\/name/],
    ['octo-org/ecs-gitops/extra', /expected owner\/name/],
    ['octo org/ecs-gitops', /expected owner\/name/],
  ])('refuses the repository %j', (repository, message) => {
    expect(() => checkImagePushContext(repository)).toThrow(message);
  });

  it('refuses a provider ARN for another issuer', () => {
    expect(() =>
      checkImagePushContext(REPOSITORY, 'arn:aws:iam::123456789012:oidc-provider/accounts.google.com'),
    ).toThrow(/oidc-provider\/token\.actions\.githubusercontent\.com/);
  });

  it('accepts owner/name and the GitHub provider ARN', () => {
    expect(() => checkImagePushContext('octo-org/ecs-gitops.v2', EXISTING_PROVIDER)).not.toThrow();
  });
});

describe('without -c githubRepository (the default)', () => {
  it(
    'creates no OIDC provider, no web-identity role and no ImagePushRoleArn output',
    () => {
      const { template, stack } = synthApp();
      expect(stack.imagePush).toBeUndefined();
      template.resourceCountIs('AWS::IAM::OIDCProvider', 0);
      const roles = Object.values(template.findResources('AWS::IAM::Role') as Resources);
      for (const role of roles)
        expect(JSON.stringify(role.Properties.AssumeRolePolicyDocument)).not.toContain(
          'AssumeRoleWithWebIdentity',
        );
      expect(Object.keys(template.findOutputs('ImagePushRoleArn'))).toEqual([]);
    },
    SYNTH_TIMEOUT_MS,
  );
});

describe('with -c githubRepository=owner/name', () => {
  let template: Template;
  let stack: GitOpsStack;
  let outdir: string;
  beforeAll(() => {
    ({ template, stack, outdir } = synthApp({ ...EXAMPLE_GITHUB_CONTEXT }));
  }, SYNTH_TIMEOUT_MS);

  it("creates IAM's OIDC provider for GitHub Actions with the sts.amazonaws.com audience", () => {
    template.resourceCountIs('AWS::IAM::OIDCProvider', 1);
    template.hasResourceProperties('AWS::IAM::OIDCProvider', {
      Url: 'https://token.actions.githubusercontent.com',
      ClientIdList: ['sts.amazonaws.com'],
    });
  });

  it('lets only main and v* tags of that repository assume the role, through that provider', () => {
    const { trust } = pushRole(stack, template);
    expect(trust).toEqual([
      {
        Effect: 'Allow',
        Action: 'sts:AssumeRoleWithWebIdentity',
        Principal: { Federated: { Ref: idOf(stack, stack.imagePush!.provider as never) } },
        Condition: expectedCondition,
      },
    ]);
  });

  it('may push to the two stack repositories only, plus the registry login AWS grants only on *', () => {
    const { permissions, attachedTo } = pushRole(stack, template);
    const repositoryArns = [stack.registries.service, stack.registries.deployer].map((r) => ({
      'Fn::GetAtt': [idOf(stack, r), 'Arn'],
    }));
    expect(permissions).toEqual([
      {
        Sid: 'PushToStackRepositories',
        Effect: 'Allow',
        Action: [...ECR_PUSH_ACTIONS],
        Resource: repositoryArns,
      },
      { Sid: 'RegistryLogin', Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
    ]);
    expect(attachedTo).toEqual([{ Ref: idOf(stack, stack.imagePush!.role) }]);
    // No other policy or managed policy reaches the role.
    const role = (template.findResources('AWS::IAM::Role') as Resources)[idOf(stack, stack.imagePush!.role)];
    expect(role?.Properties.ManagedPolicyArns).toBeUndefined();
    const policies = Object.values(template.findResources('AWS::IAM::Policy') as Resources).filter((p) =>
      JSON.stringify(p.Properties.Roles).includes(idOf(stack, stack.imagePush!.role)),
    );
    expect(policies).toHaveLength(1);
  });

  it('outputs the role ARN as ImagePushRoleArn', () => {
    template.hasOutput('ImagePushRoleArn', {
      Value: { 'Fn::GetAtt': [idOf(stack, stack.imagePush!.role), 'Arn'] },
    });
  });

  it('leaves zero unacknowledged cdk-nag findings', () => {
    const report = JSON.parse(readFileSync(resolve(outdir, 'validation-report.json'), 'utf8'));
    expect(report.pluginReports).toEqual([]);
  });
});

describe('with -c githubOidcProviderArn (the account already has the provider)', () => {
  it(
    'creates no second provider and trusts the given one with the same conditions',
    () => {
      const { template, stack } = synthApp({
        ...EXAMPLE_GITHUB_CONTEXT,
        githubOidcProviderArn: EXISTING_PROVIDER,
      });
      template.resourceCountIs('AWS::IAM::OIDCProvider', 0);
      const { trust } = pushRole(stack, template);
      expect(trust).toEqual([
        {
          Effect: 'Allow',
          Action: 'sts:AssumeRoleWithWebIdentity',
          Principal: { Federated: EXISTING_PROVIDER },
          Condition: expectedCondition,
        },
      ]);
    },
    SYNTH_TIMEOUT_MS,
  );
});

describe('.github/workflows/images.yml and docs/aws.md agree with the role', () => {
  const workflow = readFileSync(resolve(ROOT, '.github/workflows/images.yml'), 'utf8');
  const doc = readFileSync(resolve(ROOT, 'docs/aws.md'), 'utf8');
  const parsed = parse(workflow) as {
    on: { push: { branches: string[]; tags: string[] } };
    jobs: Record<string, { steps: Array<{ uses?: string; with?: Record<string, string> }> }>;
  };

  /** Whether a workflow ref (or ref glob) lies within one of the role's sub patterns. */
  const allowed = (ref: string) =>
    PUSHING_REFS.some((pattern) =>
      pattern.endsWith('*') ? ref.startsWith(pattern.slice(0, -1)) : ref === pattern,
    );

  it('trusts every ref the workflow pushes images from', () => {
    const refs = [
      ...parsed.on.push.branches.map((b) => `refs/heads/${b}`),
      ...parsed.on.push.tags.map((t) => `refs/tags/${t}`),
    ];
    expect(refs.length).toBeGreaterThan(1);
    for (const ref of refs) expect(allowed(ref), ref).toBe(true);
    expect(allowed('refs/heads/feature')).toBe(false);
    expect(allowed('refs/pull/1/merge')).toBe(false);
  });

  it('tells the user to put ImagePushRoleArn into the variable the workflow assumes', () => {
    const steps = Object.values(parsed.jobs).flatMap((job) => job.steps);
    const configure = steps.find((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'));
    const variable = /^\$\{\{ vars\.([A-Z0-9_]+) \}\}$/.exec(configure?.with?.['role-to-assume'] ?? '')?.[1];
    expect(variable).toBe('AWS_IMAGE_PUSH_ROLE_ARN');
    expect(doc).toMatch(new RegExp(`\`${variable}\`[^\\n]*\`ImagePushRoleArn\``));
    for (const other of workflow.matchAll(/vars(?:\.([A-Z0-9_]+)|\[matrix\.repository_variable\])/g)) {
      if (other[1]) expect(doc, other[1]).toContain(`\`${other[1]}\``);
    }
    for (const name of workflow.matchAll(/repository_variable: ([A-Z0-9_]+)/g))
      expect(doc, name[1]).toContain(`\`${name[1]}\``);
  });
});
