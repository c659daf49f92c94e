// The deployer task role grants exactly the AWS actions the deployer's code can call: every
// `new XxxCommand(` under deployer/adapters, attributed to the @aws-sdk client its file imports it from.
// A new SDK call without its permission fails here instead of with AccessDenied on AWS, and a grant
// nobody calls any more fails too.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { GitOpsStack } from '../lib/gitops-stack.ts';
import { FIXTURES, SYNTH_TIMEOUT_MS, synthApp } from './synth-app.ts';

const ADAPTERS = resolve(import.meta.dirname, '../../deployer/adapters');

/** @aws-sdk/client-<name> → IAM service prefix. */
const IAM_PREFIX: Record<string, string> = {
  ecs: 'ecs',
  ecr: 'ecr',
  cloudfront: 'cloudfront',
  sqs: 'sqs',
  ssm: 'ssm',
  'cloudwatch-logs': 'logs',
  cloudwatch: 'cloudwatch',
};

/**
 * Actions a call needs besides its own: registering a task definition that names a task or execution
 * role passes those roles to ECS
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html#specify-task-iam-roles).
 */
const IMPLIED: Record<string, string[]> = { 'ecs:RegisterTaskDefinition': ['iam:PassRole'] };

/**
 * Calls authorised by another action's permission: "You cannot set permissions explicitly for
 * SendMessageBatch ... setting permissions for SendMessage ... sets permissions for the corresponding
 * batch versions" (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-batch-api.html).
 */
const AUTHORISED_AS: Record<string, string> = { 'sqs:SendMessageBatch': 'sqs:SendMessage' };

/**
 * Calls the SDK makes for a credential provider, not through a Command: fromTemporaryCredentials assumes
 * an environment's role with STS AssumeRole (deployer/adapters/aws/clients.ts).
 */
const PROVIDER_CALLS: Record<string, string> = { fromTemporaryCredentials: 'sts:AssumeRole' };
/** Granted only when the config asks for it: AssumeRole on exactly the roles its environments name. */
const CONFIGURED = new Set(['sts:AssumeRole']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** `ecs:UpdateService`, ... for every command constructed in the deployer's adapters. */
function calledActions(): Set<string> {
  const actions = new Set<string>();
  for (const file of sourceFiles(ADAPTERS)) {
    const text = readFileSync(file, 'utf8');
    const clientOf = new Map<string, string>();
    for (const imported of text.matchAll(
      /import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'@aws-sdk\/client-([a-z0-9-]+)'/g,
    )) {
      for (const name of imported[1]!.split(','))
        clientOf.set(name.replace(/^\s*type\s+/, '').trim(), imported[2]!);
    }
    for (const [provider, action] of Object.entries(PROVIDER_CALLS))
      if (new RegExp(`\\b${provider}\\s*\\(`).test(text)) actions.add(action);
    for (const constructed of text.matchAll(/new\s+([A-Z][A-Za-z0-9]*)Command\s*\(/g)) {
      const client = clientOf.get(`${constructed[1]}Command`);
      if (!client)
        throw new Error(`${file}: ${constructed[1]}Command is not imported from an @aws-sdk client`);
      const prefix = IAM_PREFIX[client];
      if (!prefix)
        throw new Error(`${file}: no IAM prefix known for @aws-sdk/client-${client}: add it to IAM_PREFIX`);
      const called = `${prefix}:${constructed[1]}`;
      const action = AUTHORISED_AS[called] ?? called;
      for (const needed of [action, ...(IMPLIED[action] ?? [])]) actions.add(needed);
    }
  }
  return actions;
}

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

function statementsOf(stack: GitOpsStack, template: ReturnType<typeof synthApp>['template']): Statement[] {
  const policyId = stack.getLogicalId(
    stack.deployer.taskRole.node.findChild('DefaultPolicy').node.defaultChild as never,
  );
  const policy = template.findResources('AWS::IAM::Policy')[policyId];
  return policy?.Properties.PolicyDocument.Statement as Statement[];
}

function grantedActions(stack: GitOpsStack, template: ReturnType<typeof synthApp>['template']): Set<string> {
  const statements = statementsOf(stack, template);
  return new Set(statements.filter((s) => s.Effect === 'Allow').flatMap((s) => [s.Action].flat()));
}

let granted: Set<string>;

beforeAll(() => {
  const { stack, template } = synthApp();
  granted = grantedActions(stack, template);
}, SYNTH_TIMEOUT_MS);

describe('deployer task role', () => {
  it('finds the SDK calls it checks (the scan itself works)', () => {
    const called = calledActions();
    expect(called).toContain('ecs:UpdateService');
    expect(called).toContain('cloudfront:ListInvalidations');
    expect(called.size).toBeGreaterThan(10);
  });

  it('grants exactly the actions the deployer code calls (AssumeRole only when the config names roles)', () => {
    const unconditional = [...calledActions()].filter((action) => !CONFIGURED.has(action));
    expect([...granted].sort()).toEqual(unconditional.sort());
    expect(calledActions()).toContain('sts:AssumeRole');
  });

  it(
    'may assume exactly the roles the configs’ environments name, and no other',
    () => {
      const { stack, template } = synthApp({ serviceConfig: `${FIXTURES}/environments/actors.yaml` });
      const assume = statementsOf(stack, template).filter((s) =>
        [s.Action].flat().includes('sts:AssumeRole'),
      );
      expect(assume).toEqual([
        expect.objectContaining({
          Effect: 'Allow',
          Action: 'sts:AssumeRole',
          Resource: [
            'arn:aws:iam::111122223333:role/ecs-gitops-qa',
            'arn:aws:iam::444455556666:role/ecs-gitops-production',
          ],
        }),
      ]);
    },
    SYNTH_TIMEOUT_MS,
  );
});
