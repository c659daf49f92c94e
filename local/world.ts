// The whole local world in one call: SQS (fauxqs), the ECS/ECR/CloudFront stand-ins, tasks as
// processes, one load balancer per seeded service, and (by default) the actors service v1 running.
import type { Server } from 'node:http';
import { type Logger, pino } from 'pino';
import { DEPLOY_ENV, SERVICE_HEALTH_PATH, SERVICE_PORT } from '../common/contract.ts';
import { listenOrExplain } from '../common/port-in-use.ts';
import { STACK_VALUES_VARIABLE, type StackValues } from '../deployer/domain/config/stack-values.ts';
import { DEPLOYMENT_EVENTS_GROUP } from '../deployer/domain/events/queue-message.ts';
import { InvalidationStore, type LocalInvalidation } from './cloudfront/invalidations.ts';
import { createCloudFrontServer } from './cloudfront/server.ts';
import { AlarmStore } from './cloudwatch/alarms.ts';
import { recordTargetAnswer } from './cloudwatch/elb-metrics.ts';
import { MetricStore } from './cloudwatch/metrics.ts';
import { createCloudWatchServer } from './cloudwatch/server.ts';
import { imagePushEvent } from './ecr/image-event.ts';
import { LocalRegistry, type PushResult } from './ecr/registry.ts';
import { createEcrServer } from './ecr/server.ts';
import { adminRoutes } from './ecs/admin-routes.ts';
import type { ServiceLoadBalancer } from './ecs/deployment-configuration.ts';
import { deploymentStateChangeEvent } from './ecs/deployment-event.ts';
import type { LocalDeployment, LocalService, LocalTaskDefinition } from './ecs/model.ts';
import { DEFAULT_SCHEDULER_TIMING, type SchedulerTiming, ServiceScheduler } from './ecs/scheduler.ts';
import { createEcsServer, createService, type EcsState } from './ecs/server.ts';
import { elapseWaits } from './ecs/service-deployments.ts';
import { TaskDefinitionStore } from './ecs/task-definitions.ts';
import {
  describeTraffic,
  SERVICE_TARGET_GROUP,
  TrafficCounters,
  type TrafficView,
  targetGroupOf,
  WeightedPicker,
} from './ecs/traffic.ts';
import type { AlarmState } from './ecs/traffic-shift.ts';
import { createFaultInjector, type FaultInjector } from './faults.ts';
import { close, listen } from './http-util.ts';
import { createLoadBalancer, type LoadBalancerRoute } from './load-balancer.ts';
import { type LocalQueue, readIntakeTemplate, startLocalQueue } from './sqs.ts';
import { createSsmServer, ParameterStore } from './ssm/server.ts';
import {
  brokenImageCommand,
  DEFAULT_TASK_COMMANDS,
  SERVES_ERRORS_TASK_COMMAND,
  unknownRepositoryCommand,
} from './task-commands.ts';
import type { TaskCommand } from './tasks/process-runner.ts';

export interface LocalPorts {
  sqs: number;
  ecs: number;
  ecr: number;
  cloudfront: number;
  /** SSM Parameter Store (the deployer's last good config revision). */
  ssm: number;
  /** CloudWatch (alarm states, the load balancer's metrics) for the rollout analysis. */
  cloudwatch: number;
  /** Load balancer of the seeded actors service. */
  actors: number;
}

/**
 * Fixed ports for humans (`npm run local`); tests use 0 everywhere. Clear of LocalStack (4566, and
 * 4510-4559 for its external services) so both can run on one machine.
 */
export const DEFAULT_LOCAL_PORTS: LocalPorts = {
  sqs: 4600,
  ecs: 4601,
  ecr: 4602,
  cloudfront: 4603,
  // Any free port: only the deployer uses it, and it reads the URL from the world's env.
  ssm: 0,
  cloudwatch: 4604,
  actors: 5080,
};

/** The variable that moves each port (read by world-options-from-env.ts, named in errors). */
export const LOCAL_PORT_VARIABLES: Record<keyof LocalPorts, string> = {
  sqs: 'LOCAL_SQS_PORT',
  ecs: 'LOCAL_ECS_PORT',
  ecr: 'LOCAL_ECR_PORT',
  cloudfront: 'LOCAL_CLOUDFRONT_PORT',
  ssm: 'LOCAL_SSM_PORT',
  cloudwatch: 'LOCAL_CLOUDWATCH_PORT',
  actors: 'LOCAL_ACTORS_PORT',
};

const PORT_OWNERS: Record<keyof LocalPorts, string> = {
  sqs: 'The local SQS (fauxqs)',
  ecs: 'The local ECS stand-in',
  ecr: 'The local ECR stand-in',
  cloudfront: 'The local CloudFront stand-in',
  ssm: 'The local SSM Parameter Store stand-in',
  cloudwatch: 'The local CloudWatch stand-in',
  actors: "The local load balancer of 'actors'",
};

/** listen() for one of the world's ports: a taken port is reported with its owner and variable. */
function listenAs<T>(key: keyof LocalPorts, port: number, listen: () => Promise<T>): Promise<T> {
  return listenOrExplain(listen, {
    component: PORT_OWNERS[key],
    address: '127.0.0.1',
    port,
    variable: LOCAL_PORT_VARIABLES[key],
  });
}
export const EPHEMERAL_PORTS: LocalPorts = {
  sqs: 0,
  ecs: 0,
  ecr: 0,
  cloudfront: 0,
  ssm: 0,
  cloudwatch: 0,
  actors: 0,
};

export interface LocalTiming extends SchedulerTiming {
  /** How long an invalidation stays InProgress. */
  invalidationMs: number;
  /** How long a broken image's container lives before exiting with code 1. */
  brokenExitMs: number;
}

export const DEFAULT_LOCAL_TIMING: LocalTiming = {
  ...DEFAULT_SCHEDULER_TIMING,
  invalidationMs: 2_000,
  brokenExitMs: 200,
};

export interface LocalWorldOptions {
  /** Defaults to EPHEMERAL_PORTS (port 0); `npm run local` passes DEFAULT_LOCAL_PORTS. */
  ports?: Partial<LocalPorts>;
  /** Fraction of ECS/ECR/CloudFront calls that fail with throttling or 5xx (0..1). */
  faultRate?: number;
  faultSeed?: number;
  timing?: Partial<LocalTiming>;
  /** Repository name → command that plays its images. Merged over DEFAULT_TASK_COMMANDS. */
  taskCommands?: Record<string, TaskCommand>;
  /** Seed ECR repo `actors` with 1.0.0, cluster `gitops`, family and service `actors`. Default true. */
  seed?: boolean;
  /** Wait for the seeded service's first rollout to finish before resolving. Default true. */
  waitForSeed?: boolean;
  /** SQS redrive: receives before a message moves to the DLQ. Default: the synthesized template's. */
  maxReceiveCount?: number;
  /** Default: the synthesized template's. */
  visibilityTimeoutSeconds?: number;
  /** ECS deployment events to the queue, as the EventBridge rule sends them. Default true. */
  deploymentEvents?: boolean;
  /** When set, only these CloudFront distribution ids exist; otherwise any well-formed id does. */
  distributions?: string[];
  /**
   * Target groups of the seeded actors service. 2 (default): the target group, the alternate one, the
   * production and test listener rules and the ECS role (loadBalancers[].advancedConfiguration), as the
   * stack has them for a service whose config asks for blue-green, linear or canary, so any rollout.strategy
   * runs locally. 1: one target group, as for a rolling-only service (ECS then refuses the other strategies).
   */
  actorsTargetGroups?: 1 | 2;
  /**
   * Also seed the actors service once per environment (a pipeline, docs/config.md "Environments and
   * promotion"): cluster `<environment>`, service and family `actors-<environment>` on 1.0.0, each
   * behind its own load balancer (serviceUrl('actors-<environment>')), so each verifies over HTTP.
   */
  environments?: readonly string[];
  logger?: Logger;
}

/** The ECS service (and load balancer) of the seeded actors service in one environment. */
export const environmentServiceName = (environment: string) => `${SEED_SERVICE}-${environment}`;

/** The seeded actors service's load balancer resources, as CDK names them on AWS (ARNs of this world). */
export const ACTORS_LOAD_BALANCER = {
  targetGroupArn:
    'arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/actors-blue/0000000000000001',
  alternateTargetGroupArn:
    'arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/actors-green/0000000000000002',
  productionListenerRule:
    'arn:aws:elasticloadbalancing:us-east-1:000000000000:listener-rule/app/actors/0000000000000003/0000000000000004/0000000000000005',
  testListenerRule:
    'arn:aws:elasticloadbalancing:us-east-1:000000000000:listener-rule/app/actors/0000000000000003/0000000000000004/0000000000000006',
  roleArn: 'arn:aws:iam::000000000000:role/actors-ecs-infrastructure',
  /** The ALB both listener rules belong to; its `app/<name>/<id>` is the LoadBalancer metric dimension. */
  loadBalancerArn:
    'arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/app/actors/0000000000000003',
} as const;

/** The actors ALB's metric dimension (`${stack:LoadBalancerFullName}` in config). */
const ACTORS_LOAD_BALANCER_FULL_NAME = 'app/actors/0000000000000003';

function actorsLoadBalancers(targetGroups: 1 | 2): ServiceLoadBalancer[] {
  const lb = ACTORS_LOAD_BALANCER;
  return [
    {
      targetGroupArn: lb.targetGroupArn,
      containerName: SEED_SERVICE,
      containerPort: SERVICE_PORT,
      ...(targetGroups === 2
        ? {
            advancedConfiguration: {
              alternateTargetGroupArn: lb.alternateTargetGroupArn,
              productionListenerRule: lb.productionListenerRule,
              testListenerRule: lb.testListenerRule,
              roleArn: lb.roleArn,
            },
          }
        : {}),
    },
  ];
}

export interface LocalEndpoints {
  ecs: string;
  /** CloudWatch Logs (GetLogEvents of the tasks' stderr): the ECS stand-in's endpoint answers it. */
  logs: string;
  ecr: string;
  cloudfront: string;
  sqs: string;
  ssm: string;
  /** CloudWatch: DescribeAlarms, GetMetricData (and the writes that feed them). */
  cloudwatch: string;
}

export interface TaskProcessInfo {
  service: string;
  taskId: string;
  deploymentId: string;
  taskDefinitionArn: string;
  pid: number;
  port: number;
  containerPort: number;
  lastStatus: string;
  output: string[];
}

export interface LocalWorld {
  endpoints: LocalEndpoints;
  queueUrl: string;
  dlqUrl: string;
  /** Credentials the seeded actors service is started with. */
  actorsCredentials: { user: string; password: string };
  serviceUrl(name: string): string;
  /**
   * What the CDK stack hands the deployer on AWS (STACK_VALUES), for this world: the CloudFront
   * stand-in's distribution id and, standing in for the CloudFront URL, the actors load balancer.
   */
  readonly stackValues: StackValues;
  /** The environment a deployer process needs to use this world (STACK_VALUES included). */
  env(): Record<string, string>;
  /** Registers an image and sends the ECR "Image Action" event to the queue (group `intake`). */
  /** `broken`: the container exits at once; `servesErrors`: it runs healthy but answers HTTP 500 (a bad canary). */
  push(
    repository: string,
    tag: string,
    options?: { broken?: boolean; servesErrors?: boolean },
  ): Promise<PushResult>;
  registry: LocalRegistry;
  invalidations(): LocalInvalidation[];
  taskDefinitions(): LocalTaskDefinition[];
  services(): LocalService[];
  processes(): TaskProcessInfo[];
  faults: FaultInjector;
  /** Resolves when the service's PRIMARY deployment leaves IN_PROGRESS (or rejects on timeout). */
  waitForRollout(service: string, timeoutMs?: number): Promise<LocalService>;
  /** The load balancer's weights, test target group and per-target-group request counts (also GET /_local/traffic/<service>). */
  traffic(service: string): TrafficView;
  /** Zeroes the per-target-group request counts of a service. */
  resetTraffic(service: string): void;
  /** Sets a CloudWatch alarm's state, which deployments that watch it react to (also PUT /_local/alarms/<name>). */
  setAlarm(name: string, state: AlarmState): void;
  /**
   * Lets `ms` of ECS time pass at once for the service's in-flight deployment's waits (bake times,
   * canary and linear step bakes, hook timeouts): a test skips the rest of a wait once it has seen the
   * step, instead of sleeping through it (local/ecs/service-deployments.ts, elapseWaits).
   */
  elapseEcsWaits(service: string, ms: number): void;
  /** The CloudWatch stand-in's metric data (the load balancers publish their per-target-group counts here). */
  metrics: MetricStore;
  stop(): Promise<void>;
}

const SEED_CLUSTER = 'gitops';
const SEED_SERVICE = 'actors';
/** The distribution id `${stack:DistributionId}` names here (the CloudFront stand-in accepts any). */
export const LOCAL_DISTRIBUTION_ID = 'ELOCALACTORS';

/** The STACK_VALUES of the local world; CloudFrontUrl only once the actors load balancer listens. */
export function localStackValues(
  actorsUrl: string | undefined,
  environmentUrls: ReadonlyMap<string, string> = new Map(),
): StackValues {
  const origin = actorsUrl?.replace(/\/+$/, '');
  const values: Record<string, string> = {
    DistributionId: LOCAL_DISTRIBUTION_ID,
    LoadBalancerFullName: ACTORS_LOAD_BALANCER_FULL_NAME,
    ...(origin ? { CloudFrontUrl: origin } : {}),
  };
  // A seeded environment's load balancer (LOCAL_ENVIRONMENTS): `${stack:StagingUrl}`, `${stack:ProdEuUrl}`.
  for (const [environment, url] of environmentUrls) values[environmentUrlKey(environment)] = url;
  return values;
}

/** `prod-eu` → `ProdEuUrl`: the stack value naming an environment's load balancer in the local world. */
const environmentUrlKey = (environment: string) =>
  `${environment
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('')}Url`;

export async function startLocalWorld(options: LocalWorldOptions = {}): Promise<LocalWorld> {
  const ports = { ...EPHEMERAL_PORTS, ...options.ports };
  const timing = { ...DEFAULT_LOCAL_TIMING, ...options.timing };
  const logger = options.logger ?? pino({ level: process.env.LOG_LEVEL ?? 'info', name: 'local' });
  const faults = createFaultInjector(options.faultRate ?? 0, options.faultSeed ?? 1);
  const taskCommands = { ...DEFAULT_TASK_COMMANDS, ...options.taskCommands };
  const registry = new LocalRegistry();
  const invalidationStore = new InvalidationStore(timing.invalidationMs, options.distributions);
  const taskDefinitions = new TaskDefinitionStore();
  const parameters = new ParameterStore();
  const alarms = new AlarmStore();
  const metrics = new MetricStore();
  const counters = new TrafficCounters();

  // ECS → EventBridge → the intake queue: bound once the queue runs (deployments start only after).
  let emitDeploymentEvent: ((service: LocalService, deployment: LocalDeployment) => void) | undefined;
  const scheduler = new ServiceScheduler({
    timing,
    onDeploymentStateChange: (service, deployment) => emitDeploymentEvent?.(service, deployment),
    alarmState: (name) => alarms.state(name),
    logger: logger.child({ component: 'ecs' }),
    taskDefinition: (arn) => taskDefinitions.find(arn),
    resolveImage: (image) => {
      const resolved = registry.resolveImageReference(image);
      if (resolved.broken)
        return { command: brokenImageCommand(image, timing.brokenExitMs), digest: resolved.digest };
      if (resolved.servesErrors) return { command: SERVES_ERRORS_TASK_COMMAND, digest: resolved.digest };
      const command = Object.hasOwn(taskCommands, resolved.repository)
        ? taskCommands[resolved.repository]
        : undefined;
      return {
        command: command ?? unknownRepositoryCommand(resolved.repository, timing.brokenExitMs),
        digest: resolved.digest,
      };
    },
  });
  const ecsState: EcsState = {
    clusters: new Map(),
    services: [],
    taskDefinitions,
    tags: new Map(),
    scheduler,
  };

  const servers: Server[] = [];
  const loadBalancers = new Map<string, string>();
  let queue: LocalQueue | undefined;

  const stop = async () => {
    await scheduler.stop();
    await Promise.all(servers.map((server) => close(server)));
    await queue?.stop();
  };

  try {
    queue = await listenAs('sqs', ports.sqs, () =>
      startLocalQueue({
        port: ports.sqs,
        maxReceiveCount: options.maxReceiveCount,
        visibilityTimeoutSeconds: options.visibilityTimeoutSeconds,
      }),
    );
    const localQueue = queue;
    const ruleTarget = readIntakeTemplate().rule.sqsParameters;

    const push = async (
      repository: string,
      tag: string,
      pushOptions: { broken?: boolean; servesErrors?: boolean } = {},
    ) => {
      const result = registry.push(repository, tag, {
        broken: pushOptions.broken ?? false,
        ...(pushOptions.servesErrors && { servesErrors: true }),
      });
      const event = imagePushEvent(result);
      // EventBridge → SQS FIFO target, as the synthesized rule target says: its MessageGroupId and NO
      // deduplication id. EventBridge sets only MessageGroupId on a FIFO target, so the queue must
      // deduplicate by content ("If you specify an SQS FIFO queue as a target, the queue must have
      // content-based deduplication enabled",
      // https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_SqsParameters.html). With
      // content-based dedup off, fauxqs refuses this send exactly as SQS refuses EventBridge's.
      await localQueue.send(JSON.stringify(event), { groupId: ruleTarget.MessageGroupId });
      logger.info(
        { repository, tag, digest: result.digest, broken: result.broken, servesErrors: result.servesErrors },
        'image pushed',
      );
      return result;
    };

    // The ECS rule's target, like the ECR one: MessageGroupId only, so content-based deduplication.
    if (options.deploymentEvents !== false)
      emitDeploymentEvent = (service, deployment) => {
        const event = deploymentStateChangeEvent(service, deployment);
        localQueue.send(JSON.stringify(event), { groupId: DEPLOYMENT_EVENTS_GROUP }).then(
          () => logger.debug({ service: service.name, event: event.detail.eventName }, 'ECS event sent'),
          (error: unknown) => logger.warn({ err: error, service: service.name }, 'ECS event not sent'),
        );
      };

    const start = async (server: Server, key: keyof LocalPorts) => {
      servers.push(server);
      return `http://127.0.0.1:${await listenAs(key, ports[key], () => listen(server, ports[key]))}`;
    };
    const activeService = (name: string) =>
      ecsState.services.find((service) => service.name === name && service.status === 'ACTIVE');
    const traffic = (name: string) => {
      const service = activeService(name);
      return service ? describeTraffic(service, counters.of(name)) : undefined;
    };
    const endpoints: LocalEndpoints = {
      sqs: localQueue.endpoint,
      ecs: await start(
        createEcsServer({
          state: ecsState,
          faults,
          logger: logger.child({ component: 'ecs' }),
          extraRoute: adminRoutes({ traffic, resetTraffic: (name) => counters.reset(name), alarms }),
        }),
        'ecs',
      ),
      ecr: await start(
        createEcrServer({ registry, push, faults, logger: logger.child({ component: 'ecr' }) }),
        'ecr',
      ),
      cloudfront: await start(
        createCloudFrontServer({
          store: invalidationStore,
          faults,
          logger: logger.child({ component: 'cloudfront' }),
        }),
        'cloudfront',
      ),
      ssm: await start(
        createSsmServer({
          store: parameters,
          region: 'us-east-1',
          faults,
          logger: logger.child({ component: 'ssm' }),
        }),
        'ssm',
      ),
      cloudwatch: await start(
        createCloudWatchServer({
          alarms,
          metrics,
          faults,
          logger: logger.child({ component: 'cloudwatch' }),
        }),
        'cloudwatch',
      ),
      logs: '',
    };
    endpoints.logs = endpoints.ecs;

    // The production listener rule picks a target group by weight, the test listener rule by header;
    // then round-robin over that group's healthy tasks.
    const routeOf = (name: string) => {
      const picker = new WeightedPicker();
      return ({ test }: { test: boolean }): LoadBalancerRoute => {
        const service = activeService(name);
        if (!service) return { targetGroup: SERVICE_TARGET_GROUP, targets: [] };
        const targetGroup = test
          ? service.traffic.testTargetGroupArn
          : (picker.pick(service.traffic.production) ?? SERVICE_TARGET_GROUP);
        const targets = service.tasks
          .filter(
            (task) =>
              task.lastStatus === 'RUNNING' &&
              task.desiredStatus === 'RUNNING' &&
              targetGroupOf(service, task) === targetGroup,
          )
          .map((task) => ({ port: task.hostPort }));
        return { targetGroup, targets };
      };
    };

    const actorsCredentials = { user: 'actors', password: crypto.randomUUID().replaceAll('-', '') };
    if (options.seed ?? true) {
      const lb = createLoadBalancer({
        service: SEED_SERVICE,
        route: routeOf(SEED_SERVICE),
        onRouted: (targetGroup, kind) => counters.count(SEED_SERVICE, targetGroup, kind),
        onAnswered: (targetGroup, status) =>
          recordTargetAnswer(metrics, ACTORS_LOAD_BALANCER_FULL_NAME, targetGroup, status),
        logger,
      });
      loadBalancers.set(SEED_SERVICE, await start(lb, 'actors'));
      seedWorld(registry, ecsState, actorsCredentials, options.actorsTargetGroups ?? 2);
    }
    const environmentUrls = () =>
      new Map(
        (options.environments ?? []).map((environment) => [
          environment,
          loadBalancers.get(environmentServiceName(environment)) ?? '',
        ]),
      );
    for (const environment of options.environments ?? []) {
      const name = environmentServiceName(environment);
      const lb = createLoadBalancer({
        service: name,
        route: routeOf(name),
        onRouted: (targetGroup, kind) => counters.count(name, targetGroup, kind),
        logger,
      });
      servers.push(lb);
      loadBalancers.set(name, `http://127.0.0.1:${await listen(lb, 0)}`);
      seedService(registry, ecsState, actorsCredentials, { cluster: environment, service: name });
    }

    const waitForRollout = async (name: string, timeoutMs = 60_000): Promise<LocalService> => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const service = ecsState.services.find(
          (candidate) => candidate.name === name && candidate.status === 'ACTIVE',
        );
        const primary = service?.deployments.find((deployment) => deployment.status === 'PRIMARY');
        if (service && primary && primary.rolloutState !== 'IN_PROGRESS') return service;
        if (Date.now() > deadline)
          throw new Error(`rollout of ${name} did not finish within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, Math.min(50, timing.tickMs)));
      }
    };

    const seeded = [
      ...((options.seed ?? true) ? [SEED_SERVICE] : []),
      ...(options.environments ?? []).map(environmentServiceName),
    ];
    if (options.waitForSeed ?? true) {
      const services = await Promise.all(
        seeded.map((name) =>
          waitForRollout(name, timing.healthTimeoutMs * (timing.circuitBreakerThreshold + 1) + 5_000),
        ),
      );
      for (const service of services) {
        const primary = service.deployments[0];
        if (primary?.rolloutState !== 'COMPLETED') {
          logger.error(
            {
              service: service.name,
              reason: primary?.rolloutStateReason,
              output: service.tasks.at(-1)?.process?.output.slice(-5),
            },
            'seeded actors service did not start',
          );
        }
      }
    }

    return {
      endpoints,
      queueUrl: localQueue.queueUrl,
      dlqUrl: localQueue.dlqUrl,
      actorsCredentials,
      serviceUrl(name) {
        const url = loadBalancers.get(name);
        if (!url) throw new Error(`no local load balancer for service '${name}'`);
        return url;
      },
      get stackValues() {
        return localStackValues(loadBalancers.get(SEED_SERVICE), environmentUrls());
      },
      env: () => ({
        [STACK_VALUES_VARIABLE]: JSON.stringify(
          localStackValues(loadBalancers.get(SEED_SERVICE), environmentUrls()),
        ),
        AWS_ENDPOINT_URL_ECS: endpoints.ecs,
        AWS_ENDPOINT_URL_ECR: endpoints.ecr,
        AWS_ENDPOINT_URL_CLOUDFRONT: endpoints.cloudfront,
        AWS_ENDPOINT_URL_SQS: endpoints.sqs,
        AWS_ENDPOINT_URL_SSM: endpoints.ssm,
        AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: endpoints.logs,
        AWS_ENDPOINT_URL_CLOUDWATCH: endpoints.cloudwatch,
        // How long this world's ECS "minute" of bake time lasts, for the deployer's phase countdown.
        ECS_MINUTE_MS: String(timing.minuteMs),
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        QUEUE_URL: localQueue.queueUrl,
        DLQ_URL: localQueue.dlqUrl,
      }),
      push,
      registry,
      invalidations: () => invalidationStore.all(),
      taskDefinitions: () => taskDefinitions.all(),
      services: () => [...ecsState.services],
      processes: () =>
        ecsState.services.flatMap((service) =>
          service.tasks
            .filter((task) => task.process && task.process.status !== 'exited')
            .map((task) => ({
              service: service.name,
              taskId: task.id,
              deploymentId: task.deploymentId,
              taskDefinitionArn: task.taskDefinitionArn,
              pid: task.process?.pid ?? 0,
              port: task.hostPort,
              containerPort: task.containerPort,
              lastStatus: task.lastStatus,
              output: [...(task.process?.output ?? [])],
            })),
        ),
      faults,
      waitForRollout,
      traffic: (name) => {
        const view = traffic(name);
        if (!view) throw new Error(`no active service '${name}' in the local world`);
        return view;
      },
      resetTraffic: (name) => counters.reset(name),
      setAlarm: (name, state) => alarms.set(name, state),
      elapseEcsWaits: (name, ms) => {
        const service = activeService(name);
        if (!service) throw new Error(`no active service '${name}' in the local world`);
        elapseWaits(service, ms);
      },
      metrics,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

function seedWorld(
  registry: LocalRegistry,
  state: EcsState,
  credentials: { user: string; password: string },
  targetGroups: 1 | 2,
): void {
  seedService(registry, state, credentials, {
    cluster: SEED_CLUSTER,
    service: SEED_SERVICE,
    loadBalancers: actorsLoadBalancers(targetGroups),
  });
}

/**
 * The actors repository with 1.0.0 (once), a cluster, and an actors service in it on 1.0.0 (its own
 * family, named like the service). Without `loadBalancers`: one target group of its own (rolling only).
 */
function seedService(
  registry: LocalRegistry,
  state: EcsState,
  credentials: { user: string; password: string },
  seed: { cluster: string; service: string; loadBalancers?: ServiceLoadBalancer[] },
): void {
  const known = registry.repositories().find((r) => r.name === SEED_SERVICE);
  const repository = known ?? registry.createRepository(SEED_SERVICE);
  // Every seeded environment starts on the same 1.0.0 image, as a promoted pipeline would.
  const pushed =
    registry.findImage(SEED_SERVICE, { imageTag: '1.0.0' }) ?? registry.push(SEED_SERVICE, '1.0.0');
  if (!state.clusters.has(seed.cluster))
    state.clusters.set(seed.cluster, {
      arn: `arn:aws:ecs:us-east-1:000000000000:cluster/${seed.cluster}`,
      name: seed.cluster,
      createdAt: new Date(),
    });
  const image = `${repository.uri}@${pushed.digest}`;
  const definition = state.taskDefinitions.register(
    seed.service,
    [
      {
        name: SEED_SERVICE,
        image,
        essential: true,
        portMappings: [{ containerPort: SERVICE_PORT, protocol: 'tcp' }],
        environment: [
          { name: 'ACTORS_AUTH_USER', value: credentials.user },
          { name: 'ACTORS_AUTH_PASSWORD', value: credentials.password },
          { name: DEPLOY_ENV.digest, value: pushed.digest },
          { name: DEPLOY_ENV.image, value: image },
        ],
        healthCheck: {
          command: ['CMD-SHELL', `curl -f http://localhost:${SERVICE_PORT}${SERVICE_HEALTH_PATH} || exit 1`],
          interval: 10,
          timeout: 5,
          retries: 3,
        },
        // As infra's task definition logs (ecs.LogDrivers.awsLogs): the stand-in serves each task's
        // stderr tail as this stream's events.
        logConfiguration: {
          logDriver: 'awslogs',
          options: {
            'awslogs-group': `/ecs/${SEED_SERVICE}`,
            'awslogs-region': 'us-east-1',
            'awslogs-stream-prefix': SEED_SERVICE,
          },
        },
      },
    ],
    { cpu: '256', memory: '512', networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'] },
  );
  createService(state, {
    cluster: seed.cluster,
    serviceName: seed.service,
    taskDefinition: definition.arn,
    desiredCount: 1,
    circuitBreaker: { enable: true, rollback: true },
    loadBalancers: seed.loadBalancers ?? [
      {
        targetGroupArn: `arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/${seed.service}/0000000000000001`,
        containerName: SEED_SERVICE,
        containerPort: SERVICE_PORT,
      },
    ],
  });
}
