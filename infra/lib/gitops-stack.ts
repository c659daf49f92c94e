import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type { Construct } from 'constructs';
import { SERVICE_VERSION_PATH, WEBHOOK_PATH } from '../../common/contract.ts';
import { ActorsService } from './actors-service.ts';
import { DeployerService } from './deployer-service.ts';
import type { InitialService } from './initial-image.ts';
import { IntakeQueue } from './intake-queue.ts';
import { acknowledgeNagFindings } from './nag-acknowledgements.ts';
import { Network } from './network.ts';
import { PublicEdge } from './public-edge.ts';
import { Registries } from './registries.ts';

export interface GitOpsStackProps extends StackProps {
  /** The managed service as config/services/<name>.yaml describes it. */
  managed: InitialService;
  /** Tag of the deployer image in its ECR repository (pushed before `cdk deploy`). */
  deployerImageTag: string;
  deployerDesiredCount?: number;
  serviceDesiredCount?: number;
  configRepository: string;
  configBranch: string;
}

/** The whole system: network, registries, the managed service behind ALB + CloudFront, the deployer. */
export class GitOpsStack extends Stack {
  readonly intake: IntakeQueue;
  readonly actors: ActorsService;
  readonly deployer: DeployerService;
  readonly edge: PublicEdge;
  readonly registries: Registries;

  constructor(scope: Construct, id: string, props: GitOpsStackProps) {
    super(scope, id, props);
    const network = new Network(this, 'Network', { clusterName: props.managed.cluster });
    this.registries = new Registries(this, 'Registries', {
      serviceRepositoryName: props.managed.repository,
      deployerRepositoryName: 'ecs-gitops-deployer',
    });
    this.intake = new IntakeQueue(this, 'Intake', { repositoryNames: [props.managed.repository] });
    this.actors = new ActorsService(this, 'Actors', {
      cluster: network.cluster,
      repository: this.registries.service,
      serviceName: props.managed.service,
      containerName: props.managed.container,
      initialImageTag: props.managed.tag,
      desiredCount: props.serviceDesiredCount,
    });
    this.edge = new PublicEdge(this, 'Edge', { vpc: network.vpc });
    this.edge.routeServiceByDefault(this.actors.service, props.managed.container);
    const executionRole = this.actors.taskDefinition.obtainExecutionRole();
    this.deployer = new DeployerService(this, 'Deployer', {
      cluster: network.cluster,
      image: ecs.ContainerImage.fromEcrRepository(this.registries.deployer, props.deployerImageTag),
      queue: this.intake.queue,
      managedServices: [this.actors.service],
      passableRoles: [this.actors.taskDefinition.taskRole, executionRole],
      managedRepositories: [this.registries.service],
      distribution: this.edge.distribution,
      configRepository: props.configRepository,
      configBranch: props.configBranch,
      desiredCount: props.deployerDesiredCount,
    });
    this.edge.routeDeployerPaths(this.deployer.service);

    const albUrl = `http://${this.edge.loadBalancer.loadBalancerDnsName}`;
    const cdnUrl = `https://${this.edge.distribution.distributionDomainName}`;
    new CfnOutput(this, 'ServiceUrl', { value: albUrl, description: 'Actors service through the ALB' });
    new CfnOutput(this, 'CloudFrontUrl', {
      value: cdnUrl,
      description: `Try ${cdnUrl}${SERVICE_VERSION_PATH}`,
    });
    new CfnOutput(this, 'WebhookUrl', {
      value: `${cdnUrl}${WEBHOOK_PATH}`,
      description: 'GitHub webhook payload URL (content type application/json, push events only)',
    });
    new CfnOutput(this, 'QueueUrl', { value: this.intake.queue.queueUrl });
    new CfnOutput(this, 'DeployerStatusUrl', { value: `${cdnUrl}/status` });
    new CfnOutput(this, 'WebhookSecretArn', { value: this.deployer.webhookSecret.secretArn });
    new CfnOutput(this, 'StatusTokenArn', { value: this.deployer.statusToken.secretArn });

    acknowledgeNagFindings(this);
  }
}
