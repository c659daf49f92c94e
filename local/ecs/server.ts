// ECS stand-in: AWS JSON 1.1 (`AmazonEC2ContainerServiceV20141113.<Op>`) for the operations the
// deployer uses, over clusters, task definitions, tags and services run by the ServiceScheduler. The same
// endpoint answers CloudWatch Logs' GetLogEvents for the tasks it runs (task-logs.ts): the local world
// sets AWS_ENDPOINT_URL_CLOUDWATCH_LOGS to it.
import type { Server, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { AwsError } from '../aws-error.ts';
import {
  createJsonProtocolServer,
  type JsonBody,
  optionalArray,
  optionalNumber,
  optionalString,
  requiredString,
} from '../aws-json-protocol.ts';
import type { FaultInjector } from '../faults.ts';
import { epochSeconds } from '../http-util.ts';
import {
  checkDeploymentController,
  checkTrafficShiftResources,
  DEFAULT_DEPLOYMENT_SETTINGS,
  type DeploymentSettings,
  describeDeploymentSettings,
  readDeploymentSettings,
  readLoadBalancers,
  type ServiceLoadBalancer,
} from './deployment-configuration.ts';
import {
  type ContainerDefinitionInput,
  ECS_ARN_PREFIX,
  type LocalCluster,
  type LocalDeployment,
  type LocalService,
  type LocalTask,
} from './model.ts';
import { isLive, newDeployment, type ServiceScheduler } from './scheduler.ts';
import {
  continueServiceDeployment,
  describeServiceDeployments,
  listServiceDeployments,
  stopServiceDeployment,
} from './service-deployments.ts';
import { describeTaskDefinition, type TaskDefinitionStore } from './task-definitions.ts';
import { getLogEvents, LOGS_TARGET_PREFIX } from './task-logs.ts';
import { initialTraffic } from './traffic.ts';

export const ECS_TARGET_PREFIX = 'AmazonEC2ContainerServiceV20141113';

export interface EcsState {
  clusters: Map<string, LocalCluster>;
  services: LocalService[];
  taskDefinitions: TaskDefinitionStore;
  tags: Map<string, Map<string, string>>;
  scheduler: ServiceScheduler;
}

export interface EcsServerOptions {
  state: EcsState;
  faults?: FaultInjector;
  logger: Logger;
  /** Non-AWS admin routes served on the same port (the world's `/_local/...`). */
  extraRoute?: (method: string, url: string, body: string, response: ServerResponse) => Promise<boolean>;
}

type Tag = { key: string; value: string };

function readTags(input: JsonBody): Tag[] {
  return (optionalArray(input, 'tags') ?? []).map((entry) => {
    const tag = entry as { key?: unknown; value?: unknown };
    if (typeof tag?.key !== 'string' || tag.key === '')
      throw new AwsError('InvalidParameterException', 'Tag key is required');
    return { key: tag.key, value: typeof tag.value === 'string' ? tag.value : '' };
  });
}

function setTags(state: EcsState, arn: string, tags: Tag[]): void {
  const existing = state.tags.get(arn) ?? new Map<string, string>();
  for (const tag of tags) existing.set(tag.key, tag.value);
  state.tags.set(arn, existing);
}

function tagsOf(state: EcsState, arn: string): Tag[] {
  return [...(state.tags.get(arn) ?? new Map<string, string>())].map(([key, value]) => ({ key, value }));
}

function clusterName(reference: string | undefined): string {
  const value = reference ?? 'default';
  const slash = value.lastIndexOf('cluster/');
  return slash >= 0 ? value.slice(slash + 'cluster/'.length) : value;
}

export function findCluster(state: EcsState, reference: string | undefined): LocalCluster {
  const cluster = state.clusters.get(clusterName(reference));
  if (!cluster) throw new AwsError('ClusterNotFoundException', 'Cluster not found.');
  return cluster;
}

function serviceName(reference: string): string {
  return reference.slice(reference.lastIndexOf('/') + 1);
}

/**
 * Services by `<cluster ARN>/<name>`, in creation order. `state.services` only grows (a deleted service
 * turns INACTIVE), so the index takes in what was added since it last looked: a lookup does not scan
 * every service (bench:scale describes 10,000 of them, 10 names a call).
 */
const serviceIndex = new WeakMap<LocalService[], { indexed: number; byKey: Map<string, LocalService[]> }>();

export function findService(
  state: EcsState,
  cluster: LocalCluster,
  reference: string,
): LocalService | undefined {
  let index = serviceIndex.get(state.services);
  if (!index) {
    index = { indexed: 0, byKey: new Map() };
    serviceIndex.set(state.services, index);
  }
  for (; index.indexed < state.services.length; index.indexed++) {
    const service = state.services[index.indexed] as LocalService;
    const key = `${service.clusterArn}/${service.name}`;
    const same = index.byKey.get(key);
    if (same) same.push(service);
    else index.byKey.set(key, [service]);
  }
  return index.byKey
    .get(`${cluster.arn}/${serviceName(reference)}`)
    ?.find((service) => service.status !== 'INACTIVE');
}

function describeCluster(state: EcsState, cluster: LocalCluster): JsonBody {
  const services = state.services.filter(
    (service) => service.clusterArn === cluster.arn && service.status === 'ACTIVE',
  );
  const tasks = services.flatMap((service) => service.tasks);
  return {
    clusterArn: cluster.arn,
    clusterName: cluster.name,
    status: 'ACTIVE',
    registeredContainerInstancesCount: 0,
    runningTasksCount: tasks.filter((task) => task.lastStatus === 'RUNNING').length,
    pendingTasksCount: tasks.filter(
      (task) => task.lastStatus === 'PENDING' || task.lastStatus === 'PROVISIONING',
    ).length,
    activeServicesCount: services.length,
    capacityProviders: ['FARGATE'],
    tags: tagsOf(state, cluster.arn),
  };
}

function counts(tasks: LocalTask[]): { runningCount: number; pendingCount: number } {
  const live = tasks.filter(isLive);
  return {
    runningCount: tasks.filter((task) => task.lastStatus === 'RUNNING').length,
    pendingCount: live.filter((task) => task.lastStatus === 'PENDING' || task.lastStatus === 'PROVISIONING')
      .length,
  };
}

function describeDeployment(service: LocalService, deployment: LocalDeployment): JsonBody {
  return {
    id: deployment.id,
    status: deployment.status,
    taskDefinition: deployment.taskDefinitionArn,
    desiredCount: deployment.desiredCount,
    ...counts(service.tasks.filter((task) => task.deploymentId === deployment.id)),
    failedTasks: deployment.failedTasks,
    createdAt: epochSeconds(deployment.createdAt),
    updatedAt: epochSeconds(deployment.updatedAt),
    launchType: 'FARGATE',
    platformVersion: '1.4.0',
    rolloutState: deployment.rolloutState,
    rolloutStateReason: deployment.rolloutStateReason,
  };
}

export function describeService(state: EcsState, service: LocalService): JsonBody {
  const primary = service.deployments.find((deployment) => deployment.status === 'PRIMARY');
  return {
    serviceArn: service.arn,
    serviceName: service.name,
    clusterArn: service.clusterArn,
    status: service.status,
    desiredCount: service.desiredCount,
    ...counts(service.tasks),
    launchType: 'FARGATE',
    platformVersion: 'LATEST',
    taskDefinition: primary?.taskDefinitionArn,
    deploymentConfiguration: describeDeploymentSettings(service.deploymentSettings, service.circuitBreaker),
    loadBalancers: service.loadBalancers.map((lb) => structuredClone(lb)),
    deployments: service.deployments.map((deployment) => describeDeployment(service, deployment)),
    events: service.events.map((event) => ({
      id: event.id,
      createdAt: epochSeconds(event.createdAt),
      message: event.message,
    })),
    createdAt: epochSeconds(service.createdAt),
    schedulingStrategy: 'REPLICA',
    deploymentController: { type: 'ECS' },
    tags: tagsOf(state, service.arn),
  };
}

function describeTask(task: LocalTask, service: LocalService): JsonBody {
  return {
    taskArn: task.arn,
    clusterArn: service.clusterArn,
    taskDefinitionArn: task.taskDefinitionArn,
    group: `service:${service.name}`,
    startedBy: task.deploymentId,
    lastStatus: task.lastStatus,
    desiredStatus: task.desiredStatus,
    healthStatus: task.healthStatus,
    launchType: 'FARGATE',
    createdAt: epochSeconds(task.createdAt),
    ...(task.startedAt ? { startedAt: epochSeconds(task.startedAt) } : {}),
    ...(task.stoppedAt ? { stoppedAt: epochSeconds(task.stoppedAt) } : {}),
    ...(task.stoppedReason ? { stoppedReason: task.stoppedReason } : {}),
    ...(task.stopCode && task.lastStatus === 'STOPPED' ? { stopCode: task.stopCode } : {}),
    containers: [
      {
        name: task.containerName,
        image: task.image,
        ...(task.imageDigest ? { imageDigest: task.imageDigest } : {}),
        lastStatus: task.lastStatus,
        healthStatus: task.healthStatus,
        ...(task.exitCode !== undefined && task.exitCode !== null ? { exitCode: task.exitCode } : {}),
        ...(task.containerReason ? { reason: task.containerReason } : {}),
        networkBindings: [
          {
            bindIP: '127.0.0.1',
            containerPort: task.containerPort,
            hostPort: task.hostPort,
            protocol: 'tcp',
          },
        ],
      },
    ],
  };
}

function readCount(input: JsonBody, field: string): number | undefined {
  const value = optionalNumber(input, field);
  if (value !== undefined && (!Number.isInteger(value) || value < 0)) {
    throw new AwsError('InvalidParameterException', `${field} must be a non-negative integer`);
  }
  return value;
}

function readCircuitBreaker(input: JsonBody): { enable: boolean; rollback: boolean } | undefined {
  const config = input.deploymentConfiguration as
    | { deploymentCircuitBreaker?: { enable?: unknown; rollback?: unknown } }
    | undefined;
  const breaker = config?.deploymentCircuitBreaker;
  if (!breaker) return undefined;
  return { enable: breaker.enable === true, rollback: breaker.rollback === true };
}

export function createService(
  state: EcsState,
  input: {
    cluster?: string;
    serviceName: string;
    taskDefinition: string;
    desiredCount: number;
    circuitBreaker?: { enable: boolean; rollback: boolean };
    deploymentSettings?: DeploymentSettings;
    loadBalancers?: ServiceLoadBalancer[];
  },
): LocalService {
  const cluster = findCluster(state, input.cluster);
  if (findService(state, cluster, input.serviceName)) {
    throw new AwsError('InvalidParameterException', 'Creation of service was not idempotent.');
  }
  const definition = state.taskDefinitions.find(input.taskDefinition);
  if (definition?.status !== 'ACTIVE') throw new AwsError('ClientException', 'TaskDefinition not found.');
  const settings = input.deploymentSettings ?? DEFAULT_DEPLOYMENT_SETTINGS;
  const loadBalancers = input.loadBalancers ?? [];
  checkTrafficShiftResources(settings, loadBalancers);
  const names = { clusterName: cluster.name, name: input.serviceName };
  const service: LocalService = {
    arn: `${ECS_ARN_PREFIX}:service/${cluster.name}/${input.serviceName}`,
    name: input.serviceName,
    clusterArn: cluster.arn,
    clusterName: cluster.name,
    status: 'ACTIVE',
    desiredCount: input.desiredCount,
    circuitBreaker: input.circuitBreaker ?? { enable: false, rollback: false },
    deploymentSettings: structuredClone(settings),
    loadBalancers,
    serviceDeployments: [],
    traffic: initialTraffic(loadBalancers),
    createdAt: new Date(),
    deployments: [newDeployment(definition.arn, input.desiredCount, names)],
    tasks: [],
    events: [],
  };
  state.services.push(service);
  state.scheduler.deploymentStarted(service, service.deployments[0] as LocalDeployment);
  state.scheduler.add(service);
  return service;
}

export function updateService(
  state: EcsState,
  service: LocalService,
  input: {
    taskDefinition?: string;
    desiredCount?: number;
    forceNewDeployment?: boolean;
    circuitBreaker?: { enable: boolean; rollback: boolean };
    deploymentSettings?: DeploymentSettings;
    loadBalancers?: ServiceLoadBalancer[];
  },
): void {
  const settings = input.deploymentSettings ?? service.deploymentSettings;
  const loadBalancers = input.loadBalancers ?? service.loadBalancers;
  checkTrafficShiftResources(settings, loadBalancers);
  if (input.circuitBreaker) service.circuitBreaker = input.circuitBreaker;
  service.deploymentSettings = structuredClone(settings);
  if (input.loadBalancers) service.loadBalancers = input.loadBalancers;
  const primary = service.deployments.find((deployment) => deployment.status === 'PRIMARY');
  if (input.desiredCount !== undefined) {
    service.desiredCount = input.desiredCount;
    if (primary) {
      primary.desiredCount = input.desiredCount;
      primary.updatedAt = new Date();
    }
  }
  let target = primary?.taskDefinitionArn;
  if (input.taskDefinition !== undefined) {
    const definition = state.taskDefinitions.find(input.taskDefinition);
    if (definition?.status !== 'ACTIVE') throw new AwsError('ClientException', 'TaskDefinition not found.');
    target = definition.arn;
  }
  if (target && (target !== primary?.taskDefinitionArn || input.forceNewDeployment)) {
    for (const deployment of service.deployments)
      if (deployment.status === 'PRIMARY') deployment.status = 'ACTIVE';
    const deployment = newDeployment(target, service.desiredCount, service);
    service.deployments.unshift(deployment);
    state.scheduler.deploymentStarted(service, deployment);
  }
  state.scheduler.kick();
}

export function createEcsServer(options: EcsServerOptions): Server {
  const { state } = options;
  const resolveService = (input: JsonBody): LocalService => {
    const cluster = findCluster(state, optionalString(input, 'cluster'));
    const reference = requiredString(input, 'service');
    const service = findService(state, cluster, reference);
    if (!service) throw new AwsError('ServiceNotFoundException', 'Service not found.');
    return service;
  };
  return createJsonProtocolServer({
    targetPrefix: [ECS_TARGET_PREFIX, LOGS_TARGET_PREFIX],
    faults: options.faults,
    logger: options.logger,
    ...(options.extraRoute ? { extraRoute: options.extraRoute } : {}),
    operations: {
      CreateCluster: (input) => {
        const name = optionalString(input, 'clusterName') ?? 'default';
        let cluster = state.clusters.get(name);
        if (!cluster) {
          cluster = { arn: `${ECS_ARN_PREFIX}:cluster/${name}`, name, createdAt: new Date() };
          state.clusters.set(name, cluster);
        }
        setTags(state, cluster.arn, readTags(input));
        return { cluster: describeCluster(state, cluster) };
      },
      DescribeClusters: (input) => {
        const references = (optionalArray(input, 'clusters') ?? ['default']).map(String);
        const clusters: JsonBody[] = [];
        const failures: JsonBody[] = [];
        for (const reference of references) {
          const cluster = state.clusters.get(clusterName(reference));
          if (cluster) clusters.push(describeCluster(state, cluster));
          else
            failures.push({ arn: `${ECS_ARN_PREFIX}:cluster/${clusterName(reference)}`, reason: 'MISSING' });
        }
        return { clusters, failures };
      },
      RegisterTaskDefinition: (input) => {
        const family = requiredString(input, 'family', 'ClientException');
        const containers = optionalArray(input, 'containerDefinitions') ?? [];
        const extra = registerParameters(input);
        const definition = state.taskDefinitions.register(
          family,
          containers as ContainerDefinitionInput[],
          extra,
        );
        const tags = readTags(input);
        setTags(state, definition.arn, tags);
        return { taskDefinition: describeTaskDefinition(definition), tags };
      },
      DescribeTaskDefinition: (input) => {
        const definition = state.taskDefinitions.get(
          requiredString(input, 'taskDefinition', 'ClientException'),
        );
        const include = (optionalArray(input, 'include') ?? []).map(String);
        return {
          taskDefinition: describeTaskDefinition(definition),
          ...(include.includes('TAGS') ? { tags: tagsOf(state, definition.arn) } : {}),
        };
      },
      ListTaskDefinitions: (input) => {
        const family = optionalString(input, 'familyPrefix');
        const status = optionalString(input, 'status') ?? 'ACTIVE';
        const sort = optionalString(input, 'sort') ?? 'ASC';
        let definitions = state.taskDefinitions
          .all()
          .filter(
            (definition) =>
              (family === undefined || definition.family === family) &&
              (status === 'ALL' || definition.status === status),
          );
        definitions.sort((a, b) => a.family.localeCompare(b.family) || a.revision - b.revision);
        if (sort === 'DESC') definitions = definitions.reverse();
        const maxResults = optionalNumber(input, 'maxResults') ?? 100;
        const start = Number(optionalString(input, 'nextToken') ?? '0');
        if (!Number.isInteger(start) || start < 0)
          throw new AwsError('InvalidParameterException', 'Invalid nextToken');
        const page = definitions.slice(start, start + maxResults);
        const end = start + page.length;
        return {
          taskDefinitionArns: page.map((definition) => definition.arn),
          ...(end < definitions.length ? { nextToken: String(end) } : {}),
        };
      },
      DeregisterTaskDefinition: (input) => {
        const reference = requiredString(input, 'taskDefinition', 'ClientException');
        if (!/:\d+$/.test(reference)) throw new AwsError('ClientException', 'A revision must be specified.');
        const definition = state.taskDefinitions.get(reference);
        definition.status = 'INACTIVE';
        definition.deregisteredAt = new Date();
        return { taskDefinition: describeTaskDefinition(definition) };
      },
      TagResource: (input) => {
        const arn = requiredString(input, 'resourceArn');
        ensureResourceExists(state, arn);
        setTags(state, arn, readTags(input));
        return {};
      },
      UntagResource: (input) => {
        const arn = requiredString(input, 'resourceArn');
        ensureResourceExists(state, arn);
        for (const key of (optionalArray(input, 'tagKeys') ?? []).map(String))
          state.tags.get(arn)?.delete(key);
        return {};
      },
      ListTagsForResource: (input) => {
        const arn = requiredString(input, 'resourceArn');
        ensureResourceExists(state, arn);
        return { tags: tagsOf(state, arn) };
      },
      CreateService: (input) => {
        const deploymentSettings = readDeploymentSettings(input, DEFAULT_DEPLOYMENT_SETTINGS);
        checkDeploymentController(input, deploymentSettings);
        const service = createService(state, {
          deploymentSettings,
          loadBalancers: readLoadBalancers(input),
          cluster: optionalString(input, 'cluster'),
          serviceName: requiredString(input, 'serviceName'),
          taskDefinition: requiredString(input, 'taskDefinition'),
          desiredCount: readCount(input, 'desiredCount') ?? 0,
          circuitBreaker: readCircuitBreaker(input),
        });
        setTags(state, service.arn, readTags(input));
        return { service: describeService(state, service) };
      },
      DescribeServices: (input) => {
        const cluster = findCluster(state, optionalString(input, 'cluster'));
        const references = (optionalArray(input, 'services') ?? []).map(String);
        if (references.length === 0 || references.length > 10) {
          throw new AwsError('InvalidParameterException', 'services must list between 1 and 10 services');
        }
        const services: JsonBody[] = [];
        const failures: JsonBody[] = [];
        for (const reference of references) {
          const service = findService(state, cluster, reference);
          if (service) services.push(describeService(state, service));
          else
            failures.push({
              arn: `${ECS_ARN_PREFIX}:service/${cluster.name}/${serviceName(reference)}`,
              reason: 'MISSING',
            });
        }
        return { services, failures };
      },
      UpdateService: (input) => {
        const service = resolveService(input);
        updateService(state, service, {
          deploymentSettings: readDeploymentSettings(input, service.deploymentSettings),
          loadBalancers: readLoadBalancers(input),
          taskDefinition: optionalString(input, 'taskDefinition'),
          desiredCount: readCount(input, 'desiredCount'),
          forceNewDeployment: input.forceNewDeployment === true,
          circuitBreaker: readCircuitBreaker(input),
        });
        return { service: describeService(state, service) };
      },
      ListServiceDeployments: (input) => listServiceDeployments(resolveService(input), input),
      DescribeServiceDeployments: (input) => describeServiceDeployments(state.services, input),
      StopServiceDeployment: (input) => {
        const answer = stopServiceDeployment(state.services, input);
        state.scheduler.kick();
        return answer;
      },
      ContinueServiceDeployment: (input) => {
        const answer = continueServiceDeployment(state.services, input);
        state.scheduler.kick();
        return answer;
      },
      ListTasks: (input) => {
        const cluster = findCluster(state, optionalString(input, 'cluster'));
        const name = optionalString(input, 'serviceName');
        const desired = optionalString(input, 'desiredStatus') ?? 'RUNNING';
        const services = state.services.filter(
          (service) => service.clusterArn === cluster.arn && (name === undefined || service.name === name),
        );
        if (name !== undefined && services.length === 0)
          throw new AwsError('ServiceNotFoundException', 'Service not found.');
        const taskArns = services.flatMap((service) =>
          service.tasks.filter((task) => task.desiredStatus === desired).map((task) => task.arn),
        );
        // maxResults 1..100 (default 100) with nextToken paging (API_ListTasks.html).
        const maxResults = optionalNumber(input, 'maxResults') ?? 100;
        if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 100)
          throw new AwsError('InvalidParameterException', 'maxResults must be between 1 and 100');
        const start = Number(optionalString(input, 'nextToken') ?? '0');
        if (!Number.isInteger(start) || start < 0)
          throw new AwsError('InvalidParameterException', 'Invalid nextToken');
        const end = start + maxResults;
        return {
          taskArns: taskArns.slice(start, end),
          ...(end < taskArns.length ? { nextToken: String(end) } : {}),
        };
      },
      GetLogEvents: (input) =>
        getLogEvents(
          { services: state.services, taskDefinition: (arn) => state.taskDefinitions.find(arn) },
          input,
        ),
      DescribeTasks: (input) => {
        const cluster = findCluster(state, optionalString(input, 'cluster'));
        const wanted = (optionalArray(input, 'tasks') ?? []).map(String);
        const tasks: JsonBody[] = [];
        const failures: JsonBody[] = [];
        for (const reference of wanted) {
          const id = reference.slice(reference.lastIndexOf('/') + 1);
          let found: JsonBody | undefined;
          for (const service of state.services.filter((candidate) => candidate.clusterArn === cluster.arn)) {
            const task = service.tasks.find((candidate) => candidate.id === id);
            if (task) found = describeTask(task, service);
          }
          if (found) tasks.push(found);
          else failures.push({ arn: reference, reason: 'MISSING' });
        }
        return { tasks, failures };
      },
    },
  });
}

/**
 * The request parameters of RegisterTaskDefinition other than family, containerDefinitions and tags
 * (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html). Anything
 * else a caller sends (the read-only fields of a described revision: taskDefinitionArn, revision, status,
 * requiresAttributes, compatibilities, registeredAt, registeredBy, deregisteredAt) is not an input: ECS
 * (and moto) ignore it and never echo it back, so the stand-in must not store it either.
 */
const REGISTER_PARAMETERS = [
  'taskRoleArn',
  'executionRoleArn',
  'networkMode',
  'volumes',
  'placementConstraints',
  'requiresCompatibilities',
  'cpu',
  'memory',
  'pidMode',
  'ipcMode',
  'proxyConfiguration',
  'inferenceAccelerators',
  'ephemeralStorage',
  'runtimePlatform',
  'enableFaultInjection',
] as const;

function registerParameters(input: JsonBody): JsonBody {
  const kept: JsonBody = {};
  for (const name of REGISTER_PARAMETERS) if (input[name] !== undefined) kept[name] = input[name];
  return kept;
}

function ensureResourceExists(state: EcsState, arn: string): void {
  const exists =
    state.taskDefinitions.find(arn)?.arn === arn ||
    state.services.some((service) => service.arn === arn) ||
    [...state.clusters.values()].some((cluster) => cluster.arn === arn);
  if (!exists) throw new AwsError('InvalidParameterException', 'The specified resource could not be found.');
}
