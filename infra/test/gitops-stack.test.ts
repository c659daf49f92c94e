import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DEPLOYER_HEALTH_PATH,
  DEPLOYER_PORT,
  SERVICE_HEALTH_PATH,
  SERVICE_PORT,
} from '../../common/contract.ts';
import { loadConfigDirectory } from '../../deployer/adapters/config-directory.ts';
import { parseStackValues, STACK_VALUES_VARIABLE } from '../../deployer/domain/config/stack-values.ts';
import { loadSettings } from '../../deployer/runtime/settings.ts';
import { exposedPorts, parseDockerfile } from '../../test/support/dockerfile.ts';
import type { GitOpsStack } from '../lib/gitops-stack.ts';
import { FIXTURES, SYNTH_TIMEOUT_MS, synthApp } from './synth-app.ts';

let template: Template;
let stack: GitOpsStack;
let outdir: string;

beforeAll(() => {
  ({ template, stack, outdir } = synthApp());
}, SYNTH_TIMEOUT_MS);

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;
const resourcesOf = (type: string): Resources => template.findResources(type) as Resources;
type Resource = Resources[string];
/** The single resource of `type` matching `where`; fails the test when there is not exactly one. */
function one(type: string, where: (r: Resource) => boolean = () => true): Resource {
  const found = Object.values(resourcesOf(type)).filter(where);
  expect(found, type).toHaveLength(1);
  return found[0]!;
}
function firstOf<T>(items: T[] | undefined): T {
  expect(items?.length ?? 0).toBeGreaterThan(0);
  return items![0]!;
}
const logicalId = (construct: { node: { defaultChild?: unknown } }): string =>
  stack.getLogicalId(construct.node.defaultChild as never);

describe('intake queue', () => {
  it('is a FIFO queue with content-based dedup (EventBridge sends no dedup id), encryption and a FIFO DLQ after 5 receives', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: 'ecs-gitops.fifo',
      FifoQueue: true,
      // Off, every ECR push event is refused by SQS and rollouts wait for the periodic resync.
      ContentBasedDeduplication: true,
      VisibilityTimeout: 60,
      SqsManagedSseEnabled: true,
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(stack.intake.deadLetterQueue), 'Arn'] },
        maxReceiveCount: 5,
      },
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: 'ecs-gitops-dlq.fifo',
      FifoQueue: true,
      RedriveAllowPolicy: Match.objectLike({ redrivePermission: 'byQueue' }),
    });
  });

  it('refuses non-TLS access to both queues', () => {
    const policies = Object.values(resourcesOf('AWS::SQS::QueuePolicy'));
    const insecureDenied = policies.filter((p) =>
      JSON.stringify(p.Properties).includes('"aws:SecureTransport":"false"'),
    );
    expect(insecureDenied).toHaveLength(3);
  });

  it('routes successful ECR pushes of managed repositories to the queue in group intake', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.ecr'],
        'detail-type': ['ECR Image Action'],
        detail: { 'action-type': ['PUSH'], result: ['SUCCESS'], 'repository-name': ['actors'] },
      },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [logicalId(stack.intake.queue), 'Arn'] },
          // A group id only: EventBridge has no deduplication-id setting for SQS targets.
          SqsParameters: { MessageGroupId: 'intake' },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalId(stack.intake.ruleDeadLetterQueue), 'Arn'] } },
          RetryPolicy: { MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 },
        }),
      ],
    });
    // The rule's DLQ is a standard queue (EventBridge cannot dead-letter into FIFO).
    const ruleDlq = resourcesOf('AWS::SQS::Queue')[logicalId(stack.intake.ruleDeadLetterQueue)];
    expect(ruleDlq?.Properties.FifoQueue).toBeUndefined();
  });
});

describe('registries and cluster', () => {
  it.each(['actors', 'ecs-gitops-deployer'])(
    '%s repository scans on push, has immutable tags and lifecycle',
    (name) => {
      template.hasResourceProperties('AWS::ECR::Repository', {
        RepositoryName: name,
        ImageScanningConfiguration: { ScanOnPush: true },
        ImageTagMutability: 'IMMUTABLE',
        LifecyclePolicy: { LifecyclePolicyText: Match.stringLikeRegexp('untagged') },
      });
    },
  );

  it('names the cluster from config and enables Container Insights', () => {
    template.hasResourceProperties('AWS::ECS::Cluster', {
      ClusterName: 'gitops',
      ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }],
    });
  });

  it('has public and private subnets, no public address at launch anywhere, and VPC flow logs', () => {
    const subnets = Object.values(resourcesOf('AWS::EC2::Subnet'));
    const tagged = (value: string) =>
      subnets.filter((s) =>
        (s.Properties.Tags as Array<{ Key: string; Value: string }>).some(
          (t) => t.Key === 'aws-cdk:subnet-type' && t.Value === value,
        ),
      ).length;
    expect(tagged('Public')).toBe(2);
    expect(tagged('Private')).toBe(2);
    expect(subnets.filter((s) => s.Properties.MapPublicIpOnLaunch === true)).toEqual([]);
    template.resourceCountIs('AWS::EC2::FlowLog', 1);
  });
});

/**
 * The AwsCustomResource call that creates the actors release parameter once, parsed, with every
 * CloudFormation token inside it (the asset image URI, the account) as `<token ...>` with its JSON.
 */
function releaseSeedCall(from: Template): {
  action: string;
  parameters: Record<string, unknown>;
  ignoreErrorCodesMatching?: string;
} {
  const seeds = Object.values(from.findResources('Custom::AWS')).filter((r) =>
    JSON.stringify(r.Properties.Create).includes('putParameter'),
  );
  expect(seeds).toHaveLength(1);
  const create = seeds[0]?.Properties.Create as string | { 'Fn::Join': [string, unknown[]] };
  const text =
    typeof create === 'string'
      ? create
      : create['Fn::Join'][1]
          .map((part) =>
            typeof part === 'string' ? part : `<token ${JSON.stringify(part).replace(/["\\]/g, "'")}>`,
          )
          .join('');
  return JSON.parse(text);
}

describe('image hand-off between CDK and the deployer (SSM release parameter)', () => {
  const parameter = '/ecs-gitops/EcsGitOps/actors/image';

  it('the actors task definition reads its image from the parameter the deployer writes', () => {
    const task = one('AWS::ECS::TaskDefinition', (t) => t.Properties.Family === 'actors');
    const container = firstOf(task.Properties.ContainerDefinitions as Array<{ Image: unknown }>);
    expect(container.Image).toBe(`{{resolve:ssm:${parameter}}}`);
    // CloudFormation resolves the reference when it creates the task definition: the parameter first.
    const seedId = logicalId(stack.actorsRelease.seed.node.findChild('Resource') as never);
    const taskResource = template.toJSON().Resources[logicalId(stack.actors.taskDefinition)];
    expect(taskResource.DependsOn).toContain(seedId);
  });

  it('the stack creates the parameter once and never overwrites what the deployer recorded', () => {
    const call = releaseSeedCall(template);
    expect(call.action).toBe('putParameter');
    expect(call.parameters).toMatchObject({ Name: parameter, Type: 'String', Overwrite: false });
    expect(call.ignoreErrorCodesMatching).toBe('ParameterAlreadyExists');
  });

  it('the deployer is told the prefix and may write exactly that parameter', () => {
    const task = one('AWS::ECS::TaskDefinition', (t) => t.Properties.Family === 'ecs-gitops-deployer');
    const env = firstOf(
      task.Properties.ContainerDefinitions as Array<{ Environment: Array<{ Name: string; Value: unknown }> }>,
    ).Environment;
    expect(env).toContainEqual({ Name: 'RELEASE_PARAMETER_PREFIX', Value: '/ecs-gitops/EcsGitOps' });
    const policyId = logicalId(stack.deployer.taskRole.node.findChild('DefaultPolicy') as never);
    const statements = resourcesOf('AWS::IAM::Policy')[policyId]?.Properties.PolicyDocument as {
      Statement: Array<{ Action: string | string[]; Resource: unknown }>;
    };
    // The release statement: PutParameter on that parameter only (no wildcard, no other path).
    const release = statements.Statement.filter((st) =>
      JSON.stringify(st.Resource).includes('/ecs-gitops/EcsGitOps'),
    );
    expect(release).toHaveLength(1);
    expect(release[0]?.Action).toBe('ssm:PutParameter');
    expect(JSON.stringify(release[0]?.Resource)).toContain(`:parameter${parameter}"`);
  });
});

describe('actors service', () => {
  it('builds both first images at deploy from the Dockerfiles (no image pushed by hand on an empty account)', () => {
    // The deployer's image directly; the actors' first image is what the release parameter starts with.
    const deployerTask = one(
      'AWS::ECS::TaskDefinition',
      (t) => t.Properties.Family === 'ecs-gitops-deployer',
    );
    const images = [
      JSON.stringify((deployerTask.Properties.ContainerDefinitions as Array<{ Image: unknown }>)[0]?.Image),
      String(releaseSeedCall(template).parameters.Value),
    ];
    for (const image of images) expect(image).toContain('cdk-hnb659fds-container-assets');
    const assets = JSON.parse(readFileSync(join(outdir, 'EcsGitOps.assets.json'), 'utf8')) as {
      dockerImages: Record<string, { source: { dockerFile: string } }>;
    };
    expect(
      Object.values(assets.dockerImages)
        .map((a) => a.source.dockerFile)
        .sort(),
    ).toEqual(['Dockerfile.deployer', 'Dockerfile.service']);
  });

  it(
    'takes the first image from the repository with -c images=repository (semver track → initialImageTag 1.0.0)',
    () => {
      const fromRepository = synthApp({ images: 'repository' });
      const task = Object.values(fromRepository.template.findResources('AWS::ECS::TaskDefinition')).find(
        (t) => t.Properties.Family === 'actors',
      );
      const container = firstOf(task?.Properties.ContainerDefinitions as Array<Record<string, unknown>>);
      expect(container.Name).toBe('actors');
      expect(container.Image).toBe('{{resolve:ssm:/ecs-gitops/EcsGitOps/actors/image}}');
      expect(String(releaseSeedCall(fromRepository.template).parameters.Value)).toContain(':1.0.0');
    },
    SYNTH_TIMEOUT_MS,
  );

  it('lets the actors execution role pull from the actors repository the deployer rolls out from', () => {
    const role = logicalId(stack.actors.taskDefinition.obtainExecutionRole());
    const policies = Object.values(resourcesOf('AWS::IAM::Policy')).filter((p) =>
      JSON.stringify(p.Properties.Roles).includes(role),
    );
    const pull = JSON.stringify(policies);
    expect(pull).toContain('ecr:BatchGetImage');
    expect(pull).toContain(`"${logicalId(stack.registries.service)}","Arn"`);
  });

  it('keeps the repositories on delete but not after a failed first create', () => {
    const repositories = Object.values(template.findResources('AWS::ECR::Repository'));
    expect(repositories).toHaveLength(2);
    for (const repository of repositories) expect(repository.DeletionPolicy).toBe('RetainExceptOnCreate');
  });

  it('wires basic-auth credentials as ECS secrets from one generated secret', () => {
    const secretId = logicalId(stack.actors.authSecret);
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      Family: 'actors',
      ContainerDefinitions: [
        Match.objectLike({
          Secrets: [
            { Name: 'ACTORS_AUTH_USER', ValueFrom: { 'Fn::Join': ['', [{ Ref: secretId }, ':username::']] } },
            {
              Name: 'ACTORS_AUTH_PASSWORD',
              ValueFrom: { 'Fn::Join': ['', [{ Ref: secretId }, ':password::']] },
            },
          ],
          LogConfiguration: Match.objectLike({ LogDriver: 'awslogs' }),
        }),
      ],
    });
  });

  it('rolls back failed deployments with the circuit breaker', () => {
    template.hasResourceProperties('AWS::ECS::Service', {
      ServiceName: 'actors',
      DeploymentConfiguration: Match.objectLike({
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
      }),
    });
  });

  it('agrees on one port: container = target group = health check = Dockerfile EXPOSE', () => {
    const task = one('AWS::ECS::TaskDefinition', (t) => t.Properties.Family === 'actors');
    const container = firstOf(
      task.Properties.ContainerDefinitions as Array<{
        PortMappings: Array<{ ContainerPort: number }>;
        HealthCheck: { Command: string[] };
      }>,
    );
    const containerPort = firstOf(container.PortMappings).ContainerPort;
    expect(container.HealthCheck.Command.join(' ')).toContain(`:${containerPort}${SERVICE_HEALTH_PATH}`);

    const group = one(
      'AWS::ElasticLoadBalancingV2::TargetGroup',
      (g) => g.Properties.HealthCheckPath === SERVICE_HEALTH_PATH,
    );
    expect(group.Properties.Port).toBe(containerPort);
    expect(group.Properties.HealthCheckPort).toBe(String(containerPort));
    template.hasResourceProperties('AWS::ECS::Service', {
      ServiceName: 'actors',
      LoadBalancers: [Match.objectLike({ ContainerName: 'actors', ContainerPort: containerPort })],
    });
    expect(containerPort).toBe(SERVICE_PORT);

    const dockerfile = parseDockerfile(
      readFileSync(resolve(import.meta.dirname, '../../Dockerfile.service'), 'utf8'),
    );
    expect(exposedPorts(dockerfile.final)).toEqual([containerPort]);
  });
});

describe('load balancer and CloudFront', () => {
  it('has an internal ALB reachable only from inside the VPC (no public address, no 0.0.0.0/0 ingress)', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internal',
      LoadBalancerAttributes: Match.arrayWith([
        { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' },
      ]),
    });
    const inline = Object.values(resourcesOf('AWS::EC2::SecurityGroup')).flatMap(
      (g) => (g.Properties.SecurityGroupIngress as Array<Record<string, unknown>> | undefined) ?? [],
    );
    const separate = Object.values(resourcesOf('AWS::EC2::SecurityGroupIngress')).map((r) => r.Properties);
    const ingress = [...inline, ...separate];
    expect(ingress.length).toBeGreaterThan(0);
    for (const rule of ingress) {
      expect(rule.CidrIp).not.toBe('0.0.0.0/0');
      expect(rule.CidrIpv6).not.toBe('::/0');
    }
  });

  it('reaches the ALB through a CloudFront VPC origin and redirects viewers to HTTPS', () => {
    template.hasResourceProperties('AWS::CloudFront::VpcOrigin', {
      VpcOriginEndpointConfig: Match.objectLike({
        Arn: { Ref: logicalId(stack.edge.loadBalancer) },
      }),
    });
    const cdn = one('AWS::CloudFront::Distribution');
    const config = cdn.Properties.DistributionConfig as {
      Origins: Array<Record<string, unknown>>;
      DefaultCacheBehavior: { ViewerProtocolPolicy: string };
      CacheBehaviors?: unknown[];
    };
    expect(config.Origins).toHaveLength(1);
    expect(config.Origins[0]).toHaveProperty('VpcOriginConfig');
    expect(config.Origins[0]).not.toHaveProperty('CustomOriginConfig');
    expect(config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
  });

  it('puts no credential in any cache key: every behaviour is CachingDisabled', () => {
    const cdn = one('AWS::CloudFront::Distribution');
    const config = cdn.Properties.DistributionConfig as {
      DefaultCacheBehavior: { CachePolicyId: unknown; OriginRequestPolicyId: unknown };
      CacheBehaviors?: Array<{ CachePolicyId: unknown }>;
    };
    const cachingDisabled = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
    const allViewerExceptHost = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';
    for (const behavior of [config.DefaultCacheBehavior, ...(config.CacheBehaviors ?? [])])
      expect(behavior.CachePolicyId).toBe(cachingDisabled);
    // With caching disabled, this managed policy hands Authorization to the origin.
    expect(config.DefaultCacheBehavior.OriginRequestPolicyId).toBe(allViewerExceptHost);
    template.resourceCountIs('AWS::CloudFront::CachePolicy', 0);
  });

  it('checks target health every 10 s, in after 2 passes, and drains briefly', () => {
    for (const path of [SERVICE_HEALTH_PATH, DEPLOYER_HEALTH_PATH]) {
      const group = one(
        'AWS::ElasticLoadBalancingV2::TargetGroup',
        (g) => g.Properties.HealthCheckPath === path,
      );
      expect(group.Properties).toMatchObject({
        HealthCheckIntervalSeconds: 10,
        HealthyThresholdCount: 2,
        UnhealthyThresholdCount: 2,
      });
      const delay = (group.Properties.TargetGroupAttributes as Array<{ Key: string; Value: string }>).find(
        (a) => a.Key === 'deregistration_delay.timeout_seconds',
      );
      expect(Number(delay?.Value)).toBeLessThanOrEqual(15);
    }
  });

  it('listens on 80 with the service as default action and deployer paths by rule', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 80, Protocol: 'HTTP' });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Conditions: [
        {
          Field: 'path-pattern',
          PathPatternConfig: {
            Values: ['/webhooks/github*', '/status', '/status/*', '/api/*', '/dashboard*'],
          },
        },
      ],
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: DEPLOYER_PORT,
      HealthCheckPath: DEPLOYER_HEALTH_PATH,
      HealthCheckPort: String(DEPLOYER_PORT),
    });
  });

  it('writes ALB access logs to the log bucket', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'access_logs.s3.enabled', Value: 'true' }]),
    });
  });
});

describe('deployer', () => {
  it('runs two replicas by default and keeps one running through its own deploys', () => {
    template.hasResourceProperties('AWS::ECS::Service', {
      ServiceName: 'ecs-gitops-deployer',
      DesiredCount: 2,
      DeploymentConfiguration: Match.objectLike({ MinimumHealthyPercent: 50, MaximumPercent: 200 }),
    });
  });

  it('gets its queue, config repository and mode as env and its secrets from Secrets Manager', () => {
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      Family: 'ecs-gitops-deployer',
      ContainerDefinitions: [
        Match.objectLike({
          PortMappings: [Match.objectLike({ ContainerPort: DEPLOYER_PORT })],
          Environment: Match.arrayWith([
            { Name: 'DEPLOYER_MODE', Value: 'aws' },
            { Name: 'AWS_REGION', Value: 'eu-west-1' },
            { Name: 'QUEUE_URL', Value: { Ref: logicalId(stack.intake.queue) } },
            { Name: 'DLQ_URL', Value: { Ref: logicalId(stack.intake.deadLetterQueue) } },
            { Name: 'CONFIG_BRANCH', Value: 'main' },
          ]),
          Secrets: [
            { Name: 'GITHUB_WEBHOOK_SECRET', ValueFrom: { Ref: logicalId(stack.deployer.webhookSecret) } },
            { Name: 'STATUS_TOKEN', ValueFrom: { Ref: logicalId(stack.deployer.statusToken) } },
          ],
        }),
      ],
    });
  });

  it('tells its queue consumer the visibility timeout and receive count the queue really has', () => {
    const queue = Object.values(resourcesOf('AWS::SQS::Queue')).find(
      (q) => q.Properties?.QueueName === 'ecs-gitops.fifo',
    );
    const taskDefinition = Object.values(resourcesOf('AWS::ECS::TaskDefinition')).find(
      (t) => t.Properties?.Family === 'ecs-gitops-deployer',
    );
    const containers = taskDefinition?.Properties?.ContainerDefinitions as
      | { Environment?: { Name: string; Value: unknown }[] }[]
      | undefined;
    const environment = containers?.[0]?.Environment;
    const env = Object.fromEntries((environment ?? []).map((e) => [e.Name, e.Value]));
    expect(Number(env.VISIBILITY_TIMEOUT_SECONDS)).toBe(queue?.Properties?.VisibilityTimeout);
    const redrive = queue?.Properties?.RedrivePolicy as { maxReceiveCount?: number } | undefined;
    expect(Number(env.MAX_RECEIVES)).toBe(redrive?.maxReceiveCount);
    const settings = loadSettings({
      DEPLOYER_MODE: 'aws',
      AWS_REGION: 'eu-west-1',
      QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/ecs-gitops.fifo',
      CONFIG_REPOSITORY: 'https://github.com/example/config.git',
      GITHUB_WEBHOOK_SECRET: 'a-webhook-secret-long-enough',
      STATUS_TOKEN: 'a-status-token-long-enough',
      VISIBILITY_TIMEOUT_SECONDS: String(env.VISIBILITY_TIMEOUT_SECONDS),
      MAX_RECEIVES: String(env.MAX_RECEIVES),
    });
    expect(settings.visibilityTimeoutSeconds).toBe(60);
  });

  it('has a least-privilege task role scoped to the named service, roles, repositories, distribution and queue', () => {
    const policy =
      template.findResources('AWS::IAM::Policy')[
        logicalId(stack.deployer.taskRole.node.findChild('DefaultPolicy'))
      ];
    expect(policy).toBeDefined();
    const statements = (policy!.Properties.PolicyDocument as { Statement: Array<Record<string, unknown>> })
      .Statement;
    const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));
    expect(bySid.ManagedServices).toMatchObject({
      Action: ['ecs:DescribeServices', 'ecs:UpdateService'],
      Resource: { Ref: logicalId(stack.actors.service) },
    });
    expect(bySid.TaskDefinitions.Resource).toBe('*');
    expect(bySid.TaskDefinitions.Action).not.toContain('ecs:TagResource');
    expect(bySid.TagManagedTaskDefinitions).toMatchObject({ Action: 'ecs:TagResource' });
    expect(JSON.stringify(bySid.TagManagedTaskDefinitions.Resource)).toMatch(
      /:task-definition\/actors:\*"\]\]\}$/,
    );
    const actorsTask = stack.actors.taskDefinition;
    expect(bySid.PassManagedTaskRoles).toEqual({
      Sid: 'PassManagedTaskRoles',
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: [
        { 'Fn::GetAtt': [logicalId(actorsTask.taskRole), 'Arn'] },
        { 'Fn::GetAtt': [logicalId(actorsTask.obtainExecutionRole()), 'Arn'] },
      ],
      Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
    });
    expect(bySid.ManagedRepositories.Resource).toEqual({
      'Fn::GetAtt': [logicalId(stack.registries.service), 'Arn'],
    });
    const distributionArn = JSON.stringify(bySid.InvalidateDistribution.Resource);
    expect(distributionArn).toContain(':distribution/');
    expect(distributionArn).toContain(`{"Ref":"${logicalId(stack.edge.distribution)}"}`);
    expect(bySid.InvalidateDistribution.Action).toContain('cloudfront:ListInvalidations');
    expect(bySid.IntakeQueue.Resource).toEqual({ 'Fn::GetAtt': [logicalId(stack.intake.queue), 'Arn'] });
    // DLQ_URL is set, so the deployer may send poison there, and nowhere else on the DLQ.
    expect(bySid.DeadLetterPoison).toMatchObject({
      Action: 'sqs:SendMessage',
      Resource: { 'Fn::GetAtt': [logicalId(stack.intake.deadLetterQueue), 'Arn'] },
    });
    // ECS injects the secrets with the execution role; the deployer's code never reads them.
    expect(bySid.OwnSecrets).toBeUndefined();
    // A failed rollout's explanation: the cluster's stopped tasks and the service's own log group.
    expect(JSON.stringify(bySid.StoppedTasksOfTheCluster.Resource)).toContain(
      `:task/",{"Ref":"${logicalId(stack.actors.service.cluster)}"},"/*`,
    );
    expect(bySid.ListTasksOfTheCluster.Condition).toEqual({
      ArnEquals: { 'ecs:cluster': { 'Fn::GetAtt': [logicalId(stack.actors.service.cluster), 'Arn'] } },
    });
    expect(bySid.FailedTaskLogs).toMatchObject({
      Action: 'logs:GetLogEvents',
      Resource: { 'Fn::GetAtt': [logicalId(stack.actors.logGroup), 'Arn'] },
    });
    // Nothing but the unscopable task-definition actions, GetMetricData (no resource type either) and
    // ListTasks (held to the cluster by its condition) may use a wildcard resource.
    const wildcard = statements.filter((s) => s.Resource === '*').map((s) => s.Sid);
    expect(wildcard.sort()).toEqual(['AnalysisMetrics', 'ListTasksOfTheCluster', 'TaskDefinitions']);
    expect(bySid.AnalysisMetrics?.Action).toBe('cloudwatch:GetMetricData');
    expect(statements.find((s) => s.Sid === 'ListTasksOfTheCluster')?.Condition).toBeDefined();
  });
});

describe('operations', () => {
  const alarmTopic = () => ({ Ref: logicalId(stack.operations.topic) });

  it.each([
    ['intake DLQ depth', 'ApproximateNumberOfMessagesVisible', 'AWS/SQS'],
    ['rule FailedInvocations', 'FailedInvocations', 'AWS/Events'],
    ['target 5xx', 'HTTPCode_Target_5XX_Count', 'AWS/ApplicationELB'],
    ['unhealthy hosts', 'UnHealthyHostCount', 'AWS/ApplicationELB'],
    ['running count', 'RunningTaskCount', 'ECS/ContainerInsights'],
  ])('alarms on %s to the SNS topic', (_name, metricName, namespace) => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: metricName,
      Namespace: namespace,
      AlarmActions: [alarmTopic()],
    });
  });

  it('alarms when the ECR push rule fails to invoke its target', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'FailedInvocations',
      Dimensions: [{ Name: 'RuleName', Value: { Ref: logicalId(stack.intake.ecrPushRule) } }],
      Threshold: 1,
    });
  });

  it('rolls actors deployments back on its 5xx and unhealthy-host alarms', () => {
    template.hasResourceProperties('AWS::ECS::Service', {
      ServiceName: 'actors',
      DeploymentConfiguration: Match.objectLike({
        Alarms: {
          AlarmNames: ['ActorsTarget5xx', 'ActorsUnhealthyHosts'].map((id) => ({
            Ref: logicalId(stack.operations.node.findChild(id)),
          })),
          Enable: true,
          Rollback: true,
        },
      }),
    });
  });

  it(
    'scales the actors service on CPU only when serviceMaxCount asks for it',
    () => {
      template.resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 0);
      const scaled = synthApp({ serviceMaxCount: '6' });
      scaled.template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
        MinCapacity: 2,
        MaxCapacity: 6,
      });
    },
    SYNTH_TIMEOUT_MS,
  );
});

describe('outputs and synthesis', () => {
  it.each([
    'ServiceUrl',
    'CloudFrontUrl',
    'DistributionId',
    'WebhookUrl',
    'QueueUrl',
    'DeployerStatusUrl',
    'AlarmTopicArn',
  ])('outputs %s', (name) => {
    template.hasOutput(name, {});
  });

  it('gives every output a plain-string description (CloudFormation rejects a token: cfn-lint E6003)', () => {
    const outputs = template.findOutputs('*') as Record<string, { Description?: unknown }>;
    for (const [name, output] of Object.entries(outputs)) {
      if (output.Description !== undefined) expect(typeof output.Description, name).toBe('string');
    }
  });

  it('points the webhook URL at the CloudFront webhook path', () => {
    const output = template.findOutputs('WebhookUrl').WebhookUrl;
    expect(JSON.stringify(output?.Value)).toMatch(/\/webhooks\/github"\]\]\}$/);
  });

  it('leaves zero unacknowledged cdk-nag AwsSolutions findings', () => {
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8'));
    expect(report.pluginReports).toEqual([]);
  });
});

describe('overrides', () => {
  it(
    'honours desired-count context and a pinned tag in config',
    () => {
      const pinned = synthApp({
        deployerDesiredCount: '3',
        serviceDesiredCount: '0',
        serviceConfig: join(FIXTURES, 'pinned.yaml'),
      });
      pinned.template.hasResourceProperties('AWS::ECS::Service', { ServiceName: 'actors', DesiredCount: 0 });
      pinned.template.hasResourceProperties('AWS::ECS::Service', {
        ServiceName: 'ecs-gitops-deployer',
        DesiredCount: 3,
      });
      // The pinned tag is the release parameter's first value; the task definition resolves the parameter.
      expect(String(releaseSeedCall(pinned.template).parameters.Value)).toContain(':1.2.3');
    },
    SYNTH_TIMEOUT_MS,
  );
});

describe('stack values for config placeholders', () => {
  /** Evaluates the Fn::Join CloudFormation will, with made-up values for the distribution's tokens. */
  function evaluate(value: unknown, distribution: string): string {
    if (typeof value === 'string') return value;
    const node = value as Record<string, unknown>;
    if ('Ref' in node && node.Ref === distribution) return 'E2EXAMPLE';
    const getAtt = node['Fn::GetAtt'] as [string, string] | undefined;
    if (getAtt?.[0] === distribution && getAtt[1] === 'DomainName') return 'd1example.cloudfront.net';
    if (getAtt?.[0] === logicalId(stack.edge.loadBalancer) && getAtt[1] === 'LoadBalancerFullName')
      return 'app/gitops/50dc6c495c0c9188';
    const join = node['Fn::Join'] as [string, unknown[]] | undefined;
    if (join) return join[1].map((part) => evaluate(part, distribution)).join(join[0]);
    throw new Error(`unexpected token in STACK_VALUES: ${JSON.stringify(value)}`);
  }

  it('hands the deployer the outputs DistributionId and CloudFrontUrl and the ALB name, resolving config/services/actors.yaml', async () => {
    const distribution = logicalId(stack.edge.distribution);
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    const taskDefinition = one(
      'AWS::ECS::TaskDefinition',
      (t) => t.Properties?.Family === 'ecs-gitops-deployer',
    );
    const containers = taskDefinition.Properties.ContainerDefinitions as {
      Environment: { Name: string; Value: unknown }[];
    }[];
    const variable = firstOf(containers).Environment.find((e) => e.Name === STACK_VALUES_VARIABLE);
    const parsed = parseStackValues(evaluate(variable?.Value, distribution));
    if (!parsed.ok) throw new Error(parsed.message);
    expect(parsed.values).toEqual({
      DistributionId: evaluate(outputs.DistributionId?.Value, distribution),
      CloudFrontUrl: evaluate(outputs.CloudFrontUrl?.Value, distribution),
      LoadBalancerFullName: 'app/gitops/50dc6c495c0c9188',
    });
    expect(parsed.values.DistributionId).toBe('E2EXAMPLE');

    const result = await loadConfigDirectory(
      resolve(import.meta.dirname, '../../config'),
      undefined,
      parsed.values,
    );
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    const [actors] = result.state.services;
    expect(actors?.cdn?.distributionId).toBe('E2EXAMPLE');
    expect(actors?.verify?.url).toBe('https://d1example.cloudfront.net/version');
  });
});
