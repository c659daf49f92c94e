// Every finding of the three checkers that stands, with the reason it stands, in one place:
// cdk-nag AwsSolutions and cfn-guard (Control Tower rules) as CDK acknowledgements on the construct they
// concern, cfn-lint as the checks infra/bin/cfn-lint.ts (and so .ci/run) ignores.
import { type CfnElement, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { GitOpsStack } from './gitops-stack.ts';

/** cfn-lint check id → why the synthesized template keeps it. Only warnings may stand here. */
export const CFN_LINT_IGNORED: Record<string, string> = {
  W3005:
    'CDK adds explicit DependsOn beside a Ref/GetAtt (listener → target group, custom-resource role → handler); redundant, harmless, and not ours to edit.',
};

function acknowledge(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}

/** A cfn-guard Control Tower rule, acknowledged on one construct. */
function guard(scope: IConstruct, rule: string, reason: string): void {
  acknowledge(scope, `cdk-validator-cfnguard::${rule}`, reason);
}

// Only without -c domainName/certificateArn (infra/lib/edge-tls.ts): with them these findings do not arise.
const NO_DOMAIN =
  'No custom domain given: the distribution uses the default *.cloudfront.net certificate, with which CloudFront fixes the viewer security policy (TLSv1) and SNI does not apply. Deploy with -c domainName and -c certificateArn for TLSv1.2_2021 (docs/aws.md).';
const PRIVATE_ORIGIN =
  'No custom domain given: the origin is an internal ALB reached through a CloudFront VPC origin over the AWS network, never the internet, over HTTP because an ALB certificate needs a domain. Deploy with -c domainName and -c certificateArn for HTTPS on this leg (docs/aws.md).';
const LOG_RETENTION =
  'Operational logs are kept 30 days to keep a small deployment cheap; raise the retention where audit rules ask for a year.';
const LOG_ENCRYPTION =
  'CloudWatch Logs encrypts log data at rest by default; a customer-managed KMS key adds cost and key management with no requirement behind it.';

/** Every acknowledgement names one rule (or one IAM5 finding) on one construct and why it stands. */
export function acknowledgeFindings(stack: GitOpsStack): void {
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
    'Only non-secret settings (ports, mode, queue URLs, config repository) are plain environment; credentials come from Secrets Manager.';
  acknowledge(stack.actors.taskDefinition, 'AwsSolutions-ECS2', plainEnv);
  acknowledge(stack.deployer.taskDefinition, 'AwsSolutions-ECS2', plainEnv);

  const ecrToken =
    'ecr:GetAuthorizationToken does not support resource-level permissions; CDK scopes image pulls to the repository.';
  if (stack.imagePush) {
    acknowledge(
      stack.imagePush.role,
      'AwsSolutions-IAM5[Resource::*]',
      'ecr:GetAuthorizationToken does not support resource-level permissions (https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-push-iam.html); every push action names the two repositories.',
    );
  }
  acknowledge(stack.actors.taskDefinition.obtainExecutionRole(), 'AwsSolutions-IAM5[Resource::*]', ecrToken);
  acknowledge(
    stack.deployer.taskDefinition.obtainExecutionRole(),
    'AwsSolutions-IAM5[Resource::*]',
    ecrToken,
  );
  acknowledge(
    stack.deployer.taskRole,
    'AwsSolutions-IAM5[Resource::*]',
    'ecs:RegisterTaskDefinition, DescribeTaskDefinition and ListTaskDefinitions, and cloudwatch:GetMetricData (the rollout analysis reads the load balancer metrics), do not support resource-level permissions; ecs:ListTasks is held to the cluster by the ecs:cluster condition; every other statement is scoped to named ARNs.',
  );
  acknowledge(
    stack.deployer.taskRole,
    `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cloudwatch:${stack.region}:<AWS::AccountId>:alarm:*]`,
    'The rollout analysis reads the states of the alarms services name in config/ (rollout.analysis.alarms), which the stack does not know; DescribeAlarms is read-only and held to the metric alarms of this account and region.',
  );
  const cluster = stack.getLogicalId(stack.actors.service.cluster.node.defaultChild as CfnElement);
  acknowledge(
    stack.deployer.taskRole,
    `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecs:${stack.region}:<AWS::AccountId>:task/<${cluster}>/*]`,
    'A failed rollout is explained from its stopped tasks, whose ids are not known in advance; DescribeTasks names the tasks of the one cluster.',
  );
  const actorsService = stack.getLogicalId(stack.actors.service.node.defaultChild as CfnElement);
  acknowledge(
    stack.deployer.taskRole,
    `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecs:${stack.region}:<AWS::AccountId>:service-deployment/<${cluster}>/<${actorsService}.Name>/*]`,
    'The strategy gate describes, stops and continues (a held blue/green) the service deployment of the rollout it follows; ECS gives each deployment a new id, so the grant names the managed service with an id wildcard.',
  );
  acknowledge(
    stack.deployer.taskRole,
    `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecs:${stack.region}:<AWS::AccountId>:task-definition/${stack.actors.taskDefinition.family}:*]`,
    'Each rollout registers a new revision of the managed family; the revision number is not known in advance, so TagResource names the family with a revision wildcard.',
  );

  if (stack.trafficShifting) {
    acknowledge(
      stack.trafficShifting.shifting.role,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers]',
      'The role ECS documents for blue/green, linear and canary traffic shifting (AmazonECSInfrastructureRolePolicyForLoadBalancers.html): AWS keeps the policy in step with what ECS calls; only ecs.amazonaws.com can assume the role.',
    );
  }
  acknowledge(
    stack.edge.logBucket,
    'AwsSolutions-S1',
    'This is the access-log bucket itself; logging it into itself would loop.',
  );
  acknowledge(
    stack.edge.loadBalancer,
    'AwsSolutions-EC23',
    `The ALB's only ingress is port ${stack.edge.listenerPort} from the VPC's own CIDR (a token cdk-nag cannot evaluate): the internal ALB is reachable by the CloudFront VPC origin alone.`,
  );
  acknowledge(
    stack.intake.ruleDeadLetterQueue,
    'AwsSolutions-SQS3',
    "This is the EventBridge rule target's dead-letter queue itself.",
  );
  const cdn = stack.edge.distribution;
  acknowledge(cdn, 'AwsSolutions-CFR1', 'Public demo service: no geographic restriction is wanted.');
  acknowledge(
    cdn,
    'AwsSolutions-CFR2',
    'WAF costs money per web ACL; add one for production traffic (docs/aws.md).',
  );
  if (!stack.edge.tls) {
    acknowledge(cdn, 'AwsSolutions-CFR4', NO_DOMAIN);
    acknowledge(cdn, 'AwsSolutions-CFR5', PRIVATE_ORIGIN);
  }
  acknowledge(
    stack.operations.topic,
    'AwsSolutions-SNS2',
    'CloudWatch alarms cannot publish to a topic encrypted with the AWS-managed SNS key, and a customer-managed key costs more than the topic; alarm texts carry no secrets.',
  );

  // cfn-guard, Control Tower rule set.
  guard(
    cdn,
    'cloudfront_default_root_object_configured_check',
    "An API and a service, not a static site: '/' is answered by the origin.",
  );
  guard(
    cdn,
    'cloudfront_origin_failover_enabled_check',
    'One origin, the internal ALB (itself across 2 AZs): there is no second origin to fail over to.',
  );
  if (!stack.edge.tls) {
    guard(cdn, 'cloudfront_custom_ssl_certificate_check', NO_DOMAIN);
    guard(cdn, 'cloudfront_sni_enabled_check', NO_DOMAIN);
    guard(cdn, 'cloudfront_security_policy_check', NO_DOMAIN);
    guard(cdn, 'cloudfront_traffic_to_origin_encrypted_check', PRIVATE_ORIGIN);
  }
  for (const logGroup of stack.logGroups()) {
    guard(logGroup, 'cloudwatch_log_group_retention_period_check', LOG_RETENTION);
    guard(logGroup, 'cloudwatch_log_group_encrypted_check', LOG_ENCRYPTION);
  }
  guard(
    stack.deployer.taskDefinition,
    'ecs_containers_readonly_access_check',
    'The deployer clones the config repository onto its local disk (deployer/adapters/git); the actors container is read-only.',
  );
  const alb = stack.edge.loadBalancer;
  if (!stack.edge.tls) {
    guard(
      stack.edge.listener,
      'alb_http_to_https_redirection_check',
      `Internal ALB reached only through the CloudFront VPC origin, which redirects viewers to HTTPS. ${PRIVATE_ORIGIN}`,
    );
  }
  guard(
    alb,
    'elbv2_deletion_protection_enabled_check',
    '`cdk destroy` must remove the stack; the ALB holds no data and is recreated by a deploy.',
  );
  const bucket = stack.edge.logBucket;
  guard(
    bucket,
    's3_bucket_default_encryption_kms_check',
    'ALB access logging supports only SSE-S3 (AES256) on the destination bucket.',
  );
  guard(
    bucket,
    's3_bucket_versioning_enabled_check',
    'Logs are written once and expire after 90 days; versions would only keep expired logs and cost.',
  );
  guard(
    bucket,
    's3_bucket_logging_enabled_check',
    'This is the access-log bucket itself; logging it into itself would loop.',
  );
  guard(bucket, 's3_event_notifications_enabled_check', 'Nothing reacts to new log objects.');
  guard(
    bucket,
    's3_bucket_object_lock_enabled_check',
    'Object Lock would keep logs past the stack and block teardown; the bucket is emptied and deleted with the stack.',
  );
  guard(
    stack.intake.ruleDeadLetterQueue,
    'sqs_dlq_check',
    "This is the EventBridge rule target's dead-letter queue: EventBridge writes to it, not an SQS redrive, and it has nowhere further to go.",
  );
  // CDK's own handlers, found by their fixed construct ids: each only calls one AWS API.
  const AWS_CUSTOM_RESOURCE = 'AWS679f53fac002430cb0da5b7982bd2287'; // every AwsCustomResource's SingletonFunction
  const cdkHandlers: Record<string, string> = {
    [AWS_CUSTOM_RESOURCE]:
      "CDK's AwsCustomResource handler that creates the release parameter once (release-parameter.ts); it only calls the SSM API and needs no VPC.",
    'Custom::S3AutoDeleteObjectsCustomResourceProvider':
      "CDK's own handler that empties the log bucket when the stack is deleted; it only calls the S3 API and needs no VPC.",
  };
  for (const [id, reason] of Object.entries(cdkHandlers)) {
    const handler = stack.node.tryFindChild(id);
    if (handler) guard(handler, 'lambda_inside_vpc_check', reason);
  }
  const serviceRole = stack.node.tryFindChild(AWS_CUSTOM_RESOURCE)?.node.tryFindChild('ServiceRole');
  if (serviceRole) {
    acknowledge(
      serviceRole,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'AWSLambdaBasicExecutionRole only lets the handler write its own CloudWatch logs; its SSM rights are a separate policy scoped to the release parameter.',
    );
  }
}
