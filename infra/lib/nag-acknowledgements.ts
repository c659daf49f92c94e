import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { GitOpsStack } from './gitops-stack.ts';

function acknowledge(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}

/** Every acknowledgement names one rule (or one IAM5 finding) on one construct and why it stands. */
export function acknowledgeNagFindings(stack: GitOpsStack): void {
  const generated =
    'Generated shared secret with no backing service to rotate it; rotate by updating the secret and restarting tasks (docs/aws.md).';
  acknowledge(stack.actors.authSecret, 'AwsSolutions-SMG4', generated);
  acknowledge(
    stack.deployer.webhookSecret,
    'AwsSolutions-SMG4',
    `${generated} The GitHub webhook must be updated together.`,
  );
  acknowledge(stack.deployer.statusToken, 'AwsSolutions-SMG4', generated);

  const plainEnv =
    'Only non-secret settings (ports, mode, queue URL, config repository) are plain environment; credentials come from Secrets Manager.';
  acknowledge(stack.actors.taskDefinition, 'AwsSolutions-ECS2', plainEnv);
  acknowledge(stack.deployer.taskDefinition, 'AwsSolutions-ECS2', plainEnv);

  const ecrToken =
    'ecr:GetAuthorizationToken does not support resource-level permissions; CDK scopes image pulls to the repository.';
  acknowledge(stack.actors.taskDefinition.obtainExecutionRole(), 'AwsSolutions-IAM5[Resource::*]', ecrToken);
  acknowledge(
    stack.deployer.taskDefinition.obtainExecutionRole(),
    'AwsSolutions-IAM5[Resource::*]',
    ecrToken,
  );
  acknowledge(
    stack.deployer.taskRole,
    'AwsSolutions-IAM5[Resource::*]',
    'ecs:RegisterTaskDefinition, DescribeTaskDefinition, ListTaskDefinitions and TagResource (on register) do not support resource-level permissions; every other statement is scoped to named ARNs.',
  );

  acknowledge(
    stack.edge.logBucket,
    'AwsSolutions-S1',
    'This is the access-log bucket itself; logging it into itself would loop.',
  );
  acknowledge(
    stack.edge.loadBalancer,
    'AwsSolutions-EC23',
    'Internet-facing ALB: CloudFront and GitHub webhooks reach it on port 80 from the internet by design.',
  );
  const cdn = stack.edge.distribution;
  acknowledge(cdn, 'AwsSolutions-CFR1', 'Public demo service: no geographic restriction is wanted.');
  acknowledge(
    cdn,
    'AwsSolutions-CFR2',
    'WAF costs money per web ACL; add one for production traffic (docs/aws.md).',
  );
  acknowledge(
    cdn,
    'AwsSolutions-CFR4',
    'The default *.cloudfront.net certificate cannot enforce a minimum TLS version; bring a domain and ACM certificate to set TLSv1.2_2021.',
  );
  acknowledge(
    cdn,
    'AwsSolutions-CFR5',
    'The ALB origin has no certificate without a custom domain, so CloudFront reaches it over HTTP inside AWS.',
  );
}
