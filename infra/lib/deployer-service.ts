import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import type * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import type * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DEPLOYER_HEALTH_PATH, DEPLOYER_PORT } from '../../common/contract.ts';
import { STACK_VALUES_VARIABLE } from '../../deployer/domain/config/stack-values.ts';
import { INTAKE_MAX_RECEIVE_COUNT, INTAKE_VISIBILITY_TIMEOUT_SECONDS } from './intake-queue.ts';

/**
 * The values config placeholders may name: `${stack:DistributionId}`, `${stack:CloudFrontUrl}`, and
 * `${stack:LoadBalancerFullName}` (the ALB's `app/<name>/<id>`, rollout.analysis.errorRate.loadBalancer).
 */
export function stackValues(
  distribution: cloudfront.IDistribution,
  loadBalancer?: elbv2.ApplicationLoadBalancer,
): Record<string, string> {
  return {
    DistributionId: distribution.distributionId,
    CloudFrontUrl: `https://${distribution.distributionDomainName}`,
    ...(loadBalancer ? { LoadBalancerFullName: loadBalancer.loadBalancerFullName } : {}),
  };
}

/** SSM parameter of the deployer's last good config revision (the deployer's own default). */
const LAST_GOOD_CONFIG_PARAMETER = '/ecs-gitops/last-good-config';

export interface DeployerServiceProps {
  cluster: ecs.Cluster;
  image: ecs.ContainerImage;
  queue: sqs.Queue;
  /**
   * When set, the deployer moves undecodable messages here at once (DLQ_URL) and may send to it;
   * otherwise it has no access to the DLQ and the queue's redrive policy moves them.
   */
  deadLetterQueue?: sqs.IQueue;
  /** ECS services the deployer may update. */
  managedServices: ecs.FargateService[];
  /** awslogs groups of the managed services: a failed rollout's explanation quotes their last lines. */
  managedLogGroups: logs.ILogGroup[];
  /** Roles of the managed task definitions, the only ones the deployer may pass to ECS. */
  passableRoles: iam.IRole[];
  /** Task-definition families the deployer registers revisions of (and tags). */
  managedFamilies: string[];
  managedRepositories: ecr.IRepository[];
  distribution: cloudfront.IDistribution;
  /** The ALB in front of the managed services: its metrics feed rollout.analysis.errorRate. */
  loadBalancer?: elbv2.ApplicationLoadBalancer;
  configRepository: string;
  configBranch: string;
  desiredCount?: number;
  /**
   * Where the deployer records each managed service's image after a successful rollout
   * (RELEASE_PARAMETER_PREFIX) and the parameters it may overwrite there (release-parameter.ts).
   */
  releaseRecords?: { prefix: string; parameterArns: string[] };
  /** Roles of environments in other accounts or Regions (config `environments.<env>.roleArn`). */
  environmentRoles?: string[];
}

/** Deployer tasks by default: one can stop (a deploy, a failed host) while the other works. */
export const DEFAULT_DEPLOYER_REPLICAS = 2;

/** The deployer itself on Fargate, with a least-privilege task role and its generated secrets. */
export class DeployerService extends Construct {
  readonly service: ecs.FargateService;
  readonly taskRole: iam.Role;
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly webhookSecret: secretsmanager.Secret;
  readonly statusToken: secretsmanager.Secret;
  readonly containerPort = DEPLOYER_PORT;

  constructor(scope: Construct, id: string, props: DeployerServiceProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.webhookSecret = new secretsmanager.Secret(this, 'WebhookSecret', {
      description: 'GitHub webhook secret (paste into the repository webhook settings)',
      generateSecretString: { excludePunctuation: true, passwordLength: 40 },
    });
    this.statusToken = new secretsmanager.Secret(this, 'StatusToken', {
      description: 'Bearer token for the deployer status and operations API',
      generateSecretString: { excludePunctuation: true, passwordLength: 40 },
    });
    this.taskRole = new iam.Role(this, 'TaskRole', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: 'ecs-gitops deployer: roll out images to the managed services only',
    });
    this.taskRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ManagedServices',
        actions: ['ecs:DescribeServices', 'ecs:UpdateService'],
        resources: props.managedServices.map((s) => s.serviceArn),
      }),
    );
    // The strategy gate (deployer/runtime/rollout/strategy-gate.ts) follows blue/green, canary and linear
    // deployments and stops a failing one with ROLLBACK. ListServiceDeployments names the service;
    // DescribeServiceDeployments and StopServiceDeployment name the service deployment
    // (arn:...:service-deployment/<cluster>/<service>/<id>), whose id is new at every rollout
    // (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerservice.html).
    const serviceDeployments = props.managedServices.map((s) =>
      stack.formatArn({
        service: 'ecs',
        resource: 'service-deployment',
        resourceName: `${props.cluster.clusterName}/${s.serviceName}/*`,
      }),
    );
    this.taskRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ServiceDeploymentsList',
        actions: ['ecs:ListServiceDeployments'],
        resources: props.managedServices.map((s) => s.serviceArn),
      }),
    );
    this.taskRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ServiceDeploymentsOfManagedServices',
        actions: ['ecs:DescribeServiceDeployments', 'ecs:StopServiceDeployment'],
        resources: serviceDeployments,
      }),
    );
    // A blue/green held at test traffic by the deployer's PAUSE hook is released or rolled back with
    // ContinueServiceDeployment, whose resource types are the service and the service deployment
    // (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerservice.html).
    this.taskRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ServiceDeploymentHoldsOfManagedServices',
        actions: ['ecs:ContinueServiceDeployment'],
        resources: [...props.managedServices.map((s) => s.serviceArn), ...serviceDeployments],
      }),
    );
    // cfn-lint 1.51's list of IAM actions predates ecs:ContinueServiceDeployment (W3037 "not one of");
    // on this policy only. A misspelt action here still fails infra/test/deployer-permissions.test.ts,
    // which compares the granted actions with the SDK commands the deployer sends.
    const defaultPolicy = this.taskRole.node.findChild('DefaultPolicy').node.defaultChild as iam.CfnPolicy;
    defaultPolicy.cfnOptions.metadata = {
      ...defaultPolicy.cfnOptions.metadata,
      'cfn-lint': { config: { ignore_checks: ['W3037'] } },
    };
    // A failed rollout says why (deployer/runtime/rollout/explain-failure.ts): the stopped tasks of the
    // cluster and their containers' last log lines. DescribeTasks takes the task resource
    // (arn:...:task/<cluster>/<id>); ListTasks has no task resource to name, only the ecs:cluster
    // condition key (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerservice.html).
    this.taskRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'StoppedTasksOfTheCluster',
        actions: ['ecs:DescribeTasks'],
        resources: [
          stack.formatArn({
            service: 'ecs',
            resource: 'task',
            resourceName: `${props.cluster.clusterName}/*`,
          }),
        ],
      }),
    );
    this.taskRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ListTasksOfTheCluster',
        actions: ['ecs:ListTasks'],
        resources: ['*'],
        conditions: { ArnEquals: { 'ecs:cluster': props.cluster.clusterArn } },
      }),
    );
    this.taskRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'FailedTaskLogs',
        // GetLogEvents acts on a log stream; a group's ARN (`log-group:<name>:*`) covers its streams
        // (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_GetLogEvents.html).
        actions: ['logs:GetLogEvents'],
        resources: props.managedLogGroups.map((group) => group.logGroupArn),
      }),
    );
    // rollout.analysis (deployer/adapters/aws/cloudwatch-adapter.ts): DescribeAlarms takes the alarm
    // resource (arn:...:alarm:<name>); the names are in config/, which the stack does not read, so every
    // alarm of the account and region (metric alarms only: composite ones would need `*`). GetMetricData has
    // no resource type at all (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatch.html).
    this.taskRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'AnalysisAlarms',
        actions: ['cloudwatch:DescribeAlarms'],
        resources: [
          stack.formatArn({
            service: 'cloudwatch',
            resource: 'alarm',
            resourceName: '*',
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
      }),
    );
    this.taskRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'AnalysisMetrics',
        // GetMetricData supports no resource type, so "*" is the only resource it takes:
        // https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatch.html
        actions: ['cloudwatch:GetMetricData'],
        resources: ['*'],
      }),
    );
    this.taskRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'TaskDefinitions',
        // These actions do not support resource-level permissions (see the IAM5 acknowledgement):
        // https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerservice.html
        actions: ['ecs:RegisterTaskDefinition', 'ecs:DescribeTaskDefinition', 'ecs:ListTaskDefinitions'],
        resources: ['*'],
      }),
    );
    this.taskRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'TagManagedTaskDefinitions',
        // RegisterTaskDefinition with tags needs TagResource on the new revision; the deployer also tags
        // a revision with its rollout's outcome. Only revisions of the managed families.
        actions: ['ecs:TagResource'],
        resources: props.managedFamilies.map((family) =>
          stack.formatArn({ service: 'ecs', resource: 'task-definition', resourceName: `${family}:*` }),
        ),
      }),
    );
    this.taskRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'PassManagedTaskRoles',
        actions: ['iam:PassRole'],
        resources: props.passableRoles.map((r) => r.roleArn),
        conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
      }),
    );
    this.taskRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ManagedRepositories',
        actions: ['ecr:DescribeImages', 'ecr:DescribeRepositories'],
        resources: props.managedRepositories.map((r) => r.repositoryArn),
      }),
    );
    this.taskRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'InvalidateDistribution',
        // ListInvalidations: after a crash the deployer finds its earlier invalidation by caller reference.
        actions: [
          'cloudfront:CreateInvalidation',
          'cloudfront:GetInvalidation',
          'cloudfront:ListInvalidations',
        ],
        resources: [
          stack.formatArn({
            service: 'cloudfront',
            region: '',
            resource: 'distribution',
            resourceName: props.distribution.distributionId,
          }),
        ],
      }),
    );
    this.taskRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'IntakeQueue',
        actions: [
          'sqs:ReceiveMessage',
          'sqs:DeleteMessage',
          'sqs:ChangeMessageVisibility',
          'sqs:SendMessage',
          'sqs:GetQueueAttributes',
        ],
        resources: [props.queue.queueArn],
      }),
    );
    if (props.deadLetterQueue) {
      this.taskRole.addToPolicy(
        new iam.PolicyStatement({
          sid: 'DeadLetterPoison',
          actions: ['sqs:SendMessage'],
          resources: [props.deadLetterQueue.queueArn],
        }),
      );
    }
    this.taskRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'LastGoodConfig',
        // The last good config revision (deployer/adapters/aws/ssm-last-good-config.ts): written after
        // each applied config, read at start when the branch head is invalid.
        actions: ['ssm:GetParameter', 'ssm:PutParameter'],
        resources: [
          stack.formatArn({
            service: 'ssm',
            resource: 'parameter',
            resourceName: LAST_GOOD_CONFIG_PARAMETER.replace(/^\//, ''),
          }),
        ],
      }),
    );
    if (props.releaseRecords) {
      this.taskRole.addToPolicy(
        new iam.PolicyStatement({
          sid: 'RecordReleases',
          actions: ['ssm:PutParameter'],
          resources: props.releaseRecords.parameterArns,
        }),
      );
    }
    if (props.environmentRoles && props.environmentRoles.length > 0) {
      this.taskRole.addToPolicy(
        new iam.PolicyStatement({
          sid: 'AssumeEnvironmentRoles',
          // STS AssumeRole for the environments' ECS and CloudFront calls
          // (deployer/adapters/aws/clients.ts createEnvironmentClients): exactly the configured roles,
          // each of which must also trust this task role.
          // https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
          actions: ['sts:AssumeRole'],
          resources: props.environmentRoles,
        }),
      );
    }
    // No secretsmanager:GetSecretValue here: ECS injects GITHUB_WEBHOOK_SECRET and STATUS_TOKEN with the
    // execution role (granted by ecs.Secret.fromSecretsManager); the deployer's code never reads them.

    const taskDefinition = new ecs.FargateTaskDefinition(this, 'Task', {
      family: 'ecs-gitops-deployer',
      cpu: 256,
      memoryLimitMiB: 512,
      taskRole: this.taskRole,
    });
    this.taskDefinition = taskDefinition;
    taskDefinition.addContainer('deployer', {
      containerName: 'deployer',
      image: props.image,
      portMappings: [{ containerPort: DEPLOYER_PORT }],
      memoryLimitMiB: 512,
      // The image's own unprivileged user (Dockerfile.deployer `USER node`), stated so ECS enforces it.
      user: 'node',
      environment: {
        DEPLOYER_MODE: 'aws',
        AWS_REGION: stack.region,
        QUEUE_URL: props.queue.queueUrl,
        ...(props.deadLetterQueue ? { DLQ_URL: props.deadLetterQueue.queueUrl } : {}),
        VISIBILITY_TIMEOUT_SECONDS: String(INTAKE_VISIBILITY_TIMEOUT_SECONDS),
        MAX_RECEIVES: String(INTAKE_MAX_RECEIVE_COUNT),
        CONFIG_REPOSITORY: props.configRepository,
        CONFIG_BRANCH: props.configBranch,
        LAST_GOOD_CONFIG_PARAMETER,
        PORT: String(DEPLOYER_PORT),
        // Each replica's status refresh takes its share of one ECS budget (status-refresh.ts).
        REPLICAS: String(props.desiredCount ?? DEFAULT_DEPLOYER_REPLICAS),
        // `${stack:Name}` in config/services/*.yaml resolves to these, so the committed config needs no
        // per-account edit (docs/config.md). Tokens: CloudFormation fills them in at deploy time.
        [STACK_VALUES_VARIABLE]: stack.toJsonString(stackValues(props.distribution, props.loadBalancer)),
        ...(props.releaseRecords ? { RELEASE_PARAMETER_PREFIX: props.releaseRecords.prefix } : {}),
      },
      secrets: {
        GITHUB_WEBHOOK_SECRET: ecs.Secret.fromSecretsManager(this.webhookSecret),
        STATUS_TOKEN: ecs.Secret.fromSecretsManager(this.statusToken),
      },
      healthCheck: {
        command: [
          'CMD',
          'node',
          '-e',
          `fetch('http://127.0.0.1:${DEPLOYER_PORT}${DEPLOYER_HEALTH_PATH}').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))`,
        ],
        interval: Duration.seconds(15),
        timeout: Duration.seconds(5),
        retries: 3,
        startPeriod: Duration.seconds(20),
      },
      logging: ecs.LogDrivers.awsLogs({
        streamPrefix: 'deployer',
        logGroup: new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_MONTH }),
      }),
    });
    this.service = new ecs.FargateService(this, 'Service', {
      cluster: props.cluster,
      serviceName: 'ecs-gitops-deployer',
      taskDefinition,
      // Two replicas (availability): the FIFO groups share the work and every replica's status reads
      // ECS (docs/deployer.md, Replicas). A deploy keeps half of them running: "if the minimum healthy
      // percent is 50 and the desired task count is four, then the scheduler can stop two existing
      // tasks before starting two new tasks"
      // (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-ecs.html).
      desiredCount: props.desiredCount ?? DEFAULT_DEPLOYER_REPLICAS,
      minHealthyPercent: 50,
      maxHealthyPercent: 200,
      circuitBreaker: { enable: true, rollback: true },
    });
  }
}
