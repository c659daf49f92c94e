import { Duration } from 'aws-cdk-lib';
import type * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { SERVICE_HEALTH_PATH, SERVICE_PORT } from '../../common/contract.ts';
import { ECS_STRATEGY, type StrategySettings } from '../../deployer/domain/rollout-strategy.ts';

export interface ActorsServiceProps {
  cluster: ecs.Cluster;
  repository: ecr.IRepository;
  serviceName: string;
  containerName: string;
  /** The first image; the deployer owns the image after that. */
  image: ecs.ContainerImage;
  desiredCount?: number;
  /** When above the desired count, CPU target tracking scales between the two. */
  maxCount?: number;
  /** The config's `rollout.strategy` (infra/lib/service-strategy.ts); absent: a rolling update with circuit breaker. */
  strategy?: StrategySettings;
  /** The config's `rollout.rollback`: whether the config's alarms roll a deployment back. */
  rollbackOnFailure?: boolean;
}

/**
 * The service's deployment strategy, exactly as the deployer sends it (planDeploymentConfiguration), so
 * a `cdk deploy` writes the values the deployer set. The circuit breaker "can only be used for services
 * using the rolling update" (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentConfiguration.html).
 */
function strategyProps(strategy: StrategySettings | undefined): Partial<ecs.FargateServiceProps> {
  if (strategy === undefined || strategy.strategy === 'rolling')
    return {
      circuitBreaker: { enable: true, rollback: true },
      ...(strategy && { deploymentStrategy: ecs.DeploymentStrategy.ROLLING }),
    };
  const minutes = (value: number) => Duration.minutes(value);
  return {
    deploymentStrategy: ecs.DeploymentStrategy[ECS_STRATEGY[strategy.strategy]],
    ...(strategy.bakeMinutes !== undefined && { bakeTime: minutes(strategy.bakeMinutes) }),
    ...(strategy.canary && {
      canaryConfiguration: {
        stepPercent: strategy.canary.percent,
        stepBakeTime: minutes(strategy.canary.bakeMinutes),
      },
    }),
    ...(strategy.linear && {
      linearConfiguration: {
        stepPercent: strategy.linear.stepPercent,
        stepBakeTime: minutes(strategy.linear.stepBakeMinutes),
      },
    }),
  };
}

/** The managed workload: Fargate task definition, basic-auth secret, and the ECS service. */
export class ActorsService extends Construct {
  readonly service: ecs.FargateService;
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly authSecret: secretsmanager.Secret;
  /** The awslogs group of the service's container: the deployer reads a failed task's last lines here. */
  readonly logGroup: logs.LogGroup;
  readonly containerPort = SERVICE_PORT;

  constructor(scope: Construct, id: string, props: ActorsServiceProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_MONTH });
    this.authSecret = new secretsmanager.Secret(this, 'BasicAuth', {
      description: 'Basic-auth credentials of the actors service',
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ username: 'actors' }),
        generateStringKey: 'password',
        excludePunctuation: true,
        passwordLength: 32,
      },
    });
    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'Task', {
      family: props.serviceName,
      cpu: 256,
      memoryLimitMiB: 512,
      runtimePlatform: {
        cpuArchitecture: ecs.CpuArchitecture.X86_64,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
    });
    this.taskDefinition.addContainer(props.containerName, {
      containerName: props.containerName,
      image: props.image,
      portMappings: [{ containerPort: SERVICE_PORT }],
      // The whole task's memory: a hard limit, so a leak kills this container, not a neighbour.
      memoryLimitMiB: 512,
      // The image's own unprivileged user (Dockerfile.service `USER node`), stated so ECS enforces it.
      user: 'node',
      // The service only answers HTTP and logs to stdout: it writes no files.
      readonlyRootFilesystem: true,
      environment: { PORT: String(SERVICE_PORT) },
      secrets: {
        ACTORS_AUTH_USER: ecs.Secret.fromSecretsManager(this.authSecret, 'username'),
        ACTORS_AUTH_PASSWORD: ecs.Secret.fromSecretsManager(this.authSecret, 'password'),
      },
      healthCheck: {
        // The image ships Node, not curl: probe with fetch.
        command: [
          'CMD',
          'node',
          '-e',
          `fetch('http://127.0.0.1:${SERVICE_PORT}${SERVICE_HEALTH_PATH}').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))`,
        ],
        interval: Duration.seconds(15),
        timeout: Duration.seconds(5),
        retries: 3,
        startPeriod: Duration.seconds(20),
      },
      logging: ecs.LogDrivers.awsLogs({
        streamPrefix: props.serviceName,
        logGroup: this.logGroup,
      }),
    });
    // The deployer's revisions name images of the service's own repository, whatever CDK started with.
    props.repository.grantPull(this.taskDefinition.obtainExecutionRole());
    this.service = new ecs.FargateService(this, 'Service', {
      cluster: props.cluster,
      serviceName: props.serviceName,
      taskDefinition: this.taskDefinition,
      desiredCount: props.desiredCount ?? 2,
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      ...strategyProps(props.strategy),
      healthCheckGracePeriod: Duration.seconds(60),
    });
    // The config's alarms replace the stack's own (operations.ts) as the deployer's plan does.
    if (props.strategy?.alarms)
      this.service.enableDeploymentAlarms(props.strategy.alarms, {
        behavior:
          props.rollbackOnFailure === false
            ? ecs.AlarmBehavior.FAIL_ON_ALARM
            : ecs.AlarmBehavior.ROLLBACK_ON_ALARM,
      });
    const desired = props.desiredCount ?? 2;
    if (props.maxCount !== undefined && props.maxCount > desired) {
      this.service
        .autoScaleTaskCount({ minCapacity: desired, maxCapacity: props.maxCount })
        .scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: 60 });
    }
  }
}
