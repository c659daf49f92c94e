import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { DockerImageAsset, Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { SERVICE_VERSION_PATH, WEBHOOK_PATH } from '../../common/contract.ts';
import type { ServiceConfig } from '../../deployer/domain/types.ts';
import { acknowledgeFindings } from './acknowledgements.ts';
import { ActorsService } from './actors-service.ts';
import { DEFAULT_DEPLOYER_REPLICAS, DeployerService } from './deployer-service.ts';
import type { EdgeTls } from './edge-tls.ts';
import { ImagePushRole } from './image-push-role.ts';
import type { InitialService } from './initial-image.ts';
import { IntakeQueue } from './intake-queue.ts';
import { Network } from './network.ts';
import { Operations } from './operations.ts';
import { PublicEdge } from './public-edge.ts';
import { Registries } from './registries.ts';
import { ReleaseParameter, releaseParameterPrefix } from './release-parameter.ts';
import { DEFAULT_TEST_HEADER, shiftsTraffic } from './service-strategy.ts';

export interface GitOpsStackProps extends StackProps {
  /** The managed service as config/services/<name>.yaml describes it. */
  managed: InitialService;
  /** Roles the configs' environments name (environment-roles.ts): the deployer may assume only these. */
  environmentRoles?: string[];
  /** That file's `rollout` (service-strategy.ts): its strategy decides the service's target groups. */
  rollout?: ServiceConfig['rollout'];
  /**
   * `asset` (default): `cdk deploy` builds both images from the Dockerfiles at `repoRoot` and pushes them
   * before any service starts, so an empty account needs no image pushed by hand. `repository`: the
   * deployer image `deployerImageTag` and the actors image tag must already be in their ECR repositories.
   */
  imageSource: 'asset' | 'repository';
  repoRoot: string;
  /** Tag of the deployer image in its ECR repository (imageSource `repository`). */
  deployerImageTag: string;
  deployerDesiredCount?: number;
  serviceDesiredCount?: number;
  /** Above serviceDesiredCount: the actors service autoscales on CPU up to this many tasks. */
  serviceMaxCount?: number;
  configRepository: string;
  configBranch: string;
  /** Your domain and certificates (edge-tls.ts); without it the edge uses *.cloudfront.net and HTTP to the ALB. */
  edgeTls?: EdgeTls;
  /** When set, GitHub Actions of this repository may push both images through an OIDC role (output ImagePushRoleArn). */
  imagePush?: { githubRepository: string; existingOidcProviderArn?: string };
}

/** The whole system: network, registries, the managed service behind ALB + CloudFront, the deployer. */
export class GitOpsStack extends Stack {
  /** Every CloudWatch log group of the stack (flow logs, task logs). */
  logGroups(): logs.LogGroup[] {
    return this.node.findAll().filter((c): c is logs.LogGroup => c instanceof logs.LogGroup);
  }

  readonly intake: IntakeQueue;
  readonly actors: ActorsService;
  /** The SSM parameter the deployer records the actors image in and the task definition reads. */
  readonly actorsRelease: ReleaseParameter;
  readonly deployer: DeployerService;
  readonly edge: PublicEdge;
  readonly registries: Registries;
  readonly operations: Operations;
  readonly imagePush: ImagePushRole | undefined;
  /** The actors service's second target group, listener rules and ECS role (blue-green, linear, canary). */
  readonly trafficShifting: ReturnType<PublicEdge['routeServiceWithTrafficShifting']> | undefined;

  constructor(scope: Construct, id: string, props: GitOpsStackProps) {
    super(scope, id, props);
    const network = new Network(this, 'Network', { clusterName: props.managed.cluster });
    this.registries = new Registries(this, 'Registries', {
      serviceRepositoryName: props.managed.repository,
      deployerRepositoryName: 'ecs-gitops-deployer',
    });
    this.intake = new IntakeQueue(this, 'Intake', { repositoryNames: [props.managed.repository] });
    const fromAsset = (file: string) =>
      ecs.ContainerImage.fromAsset(props.repoRoot, { file, platform: Platform.LINUX_AMD64 });
    // A tag pinned in config names an image the user pushed; otherwise the image is built here.
    const actorsFromRepository = props.imageSource === 'repository' || props.managed.tagSource === 'pin';
    const actorsAsset = actorsFromRepository
      ? undefined
      : new DockerImageAsset(this, 'ActorsImage', {
          directory: props.repoRoot,
          file: 'Dockerfile.service',
          platform: Platform.LINUX_AMD64,
        });
    // The deployer owns the actors image after the first one: the task definition reads what it recorded.
    const releasePrefix = releaseParameterPrefix(this.stackName);
    this.actorsRelease = new ReleaseParameter(this, 'ActorsRelease', {
      prefix: releasePrefix,
      service: props.managed.name,
      initialImage: actorsAsset
        ? actorsAsset.imageUri
        : this.registries.service.repositoryUriForTag(props.managed.tag),
    });
    this.actors = new ActorsService(this, 'Actors', {
      cluster: network.cluster,
      repository: this.registries.service,
      serviceName: props.managed.service,
      containerName: props.managed.container,
      image: ecs.ContainerImage.fromRegistry(this.actorsRelease.imageReference),
      desiredCount: props.serviceDesiredCount,
      maxCount: props.serviceMaxCount,
      strategy: props.rollout?.strategy,
      rollbackOnFailure: props.rollout?.rollback,
    });
    // CloudFormation resolves the reference when it creates or updates the task definition.
    this.actors.taskDefinition.node.addDependency(this.actorsRelease.seed);
    if (actorsAsset) actorsAsset.repository.grantPull(this.actors.taskDefinition.obtainExecutionRole());
    this.edge = new PublicEdge(this, 'Edge', { vpc: network.vpc, tls: props.edgeTls });
    const strategy = props.rollout?.strategy;
    // blue-green, linear and canary: two target groups, production and test rules, ECS's infrastructure role.
    const testTraffic = strategy?.testTraffic;
    this.trafficShifting = shiftsTraffic(strategy)
      ? this.edge.routeServiceWithTrafficShifting(
          this.actors.service,
          props.managed.container,
          testTraffic && 'header' in testTraffic ? testTraffic.header : DEFAULT_TEST_HEADER,
        )
      : undefined;
    const actorsTargets =
      this.trafficShifting?.targetGroups[0] ??
      this.edge.routeServiceByDefault(this.actors.service, props.managed.container);
    const executionRole = this.actors.taskDefinition.obtainExecutionRole();
    this.deployer = new DeployerService(this, 'Deployer', {
      cluster: network.cluster,
      image:
        props.imageSource === 'repository'
          ? ecs.ContainerImage.fromEcrRepository(this.registries.deployer, props.deployerImageTag)
          : fromAsset('Dockerfile.deployer'),
      queue: this.intake.queue,
      deadLetterQueue: this.intake.deadLetterQueue,
      managedServices: [this.actors.service],
      managedLogGroups: [this.actors.logGroup],
      passableRoles: [this.actors.taskDefinition.taskRole, executionRole],
      managedFamilies: [this.actors.taskDefinition.family],
      managedRepositories: [this.registries.service],
      distribution: this.edge.distribution,
      loadBalancer: this.edge.loadBalancer,
      configRepository: props.configRepository,
      configBranch: props.configBranch,
      desiredCount: props.deployerDesiredCount,
      releaseRecords: { prefix: releasePrefix, parameterArns: [this.actorsRelease.parameterArn] },
      environmentRoles: props.environmentRoles ?? [],
    });
    const deployerTargets = this.edge.routeDeployerPaths(this.deployer.service);
    this.operations = new Operations(this, 'Operations', {
      intake: this.intake,
      services: {
        Actors: {
          service: this.actors.service,
          targetGroup: actorsTargets,
          alternateTargetGroup: this.trafficShifting?.targetGroups[1],
          minRunning: Math.max(1, props.serviceDesiredCount ?? 2),
          // Alarms listed in the config replace these as the service's deployment alarms (actors-service.ts).
          rollbackOnAlarm: strategy?.alarms === undefined,
        },
        Deployer: {
          service: this.deployer.service,
          targetGroup: deployerTargets,
          minRunning: Math.max(1, props.deployerDesiredCount ?? DEFAULT_DEPLOYER_REPLICAS),
          // A deploy may run one replica fewer for a while: the alarm tells, it does not roll back.
          rollbackOnAlarm: false,
        },
      },
    });

    this.imagePush = props.imagePush
      ? new ImagePushRole(this, 'ImagePush', {
          githubRepository: props.imagePush.githubRepository,
          existingProviderArn: props.imagePush.existingOidcProviderArn,
          repositories: [this.registries.service, this.registries.deployer],
        })
      : undefined;

    const cdnUrl = `https://${this.edge.distribution.distributionDomainName}`;
    // With your domain, people and GitHub use it (TLS 1.2+); the deployer's own verify probe keeps the
    // distribution's name (STACK_VALUES), which works before the DNS record exists.
    const publicUrl = props.edgeTls ? `https://${props.edgeTls.domainName}` : cdnUrl;
    // Descriptions must be plain strings (CloudFormation rejects a token there: cfn-lint E6003).
    new CfnOutput(this, 'CloudFrontUrl', {
      value: cdnUrl,
      description: `The only way in (the ALB is internal). Try <CloudFrontUrl>${SERVICE_VERSION_PATH}`,
    });
    new CfnOutput(this, 'ServiceUrl', {
      value: publicUrl,
      description: 'Actors service (basic auth; the Actors/BasicAuth secret)',
    });
    new CfnOutput(this, 'DistributionId', {
      value: this.edge.distribution.distributionId,
      description: 'CloudFront distribution the deployer invalidates (cdn.distributionId in config)',
    });
    new CfnOutput(this, 'WebhookUrl', {
      value: `${publicUrl}${WEBHOOK_PATH}`,
      description: 'GitHub webhook payload URL (content type application/json, push events only)',
    });
    new CfnOutput(this, 'QueueUrl', { value: this.intake.queue.queueUrl });
    new CfnOutput(this, 'DeployerStatusUrl', { value: `${publicUrl}/status` });
    new CfnOutput(this, 'WebhookSecretArn', { value: this.deployer.webhookSecret.secretArn });
    new CfnOutput(this, 'StatusTokenArn', { value: this.deployer.statusToken.secretArn });
    new CfnOutput(this, 'AlarmTopicArn', {
      value: this.operations.topic.topicArn,
      description: 'Every alarm notifies this SNS topic: subscribe an address to it',
    });
    if (this.imagePush) {
      new CfnOutput(this, 'ImagePushRoleArn', {
        value: this.imagePush.role.roleArn,
        description:
          'Set as the repository variable AWS_IMAGE_PUSH_ROLE_ARN of .github/workflows/images.yml (GitHub OIDC, ECR push only)',
      });
    }

    acknowledgeFindings(this);
  }
}
