// In-memory EcsPort with the ECS behaviour the deployer relies on, for unit tests, resilience tests and
// benchmarks. Follows the ECS API reference:
// - RegisterTaskDefinition assigns the ARN, the next revision of the family, status ACTIVE and the
//   registration fields itself; those are output only, whatever the input carries
//   (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html).
// - DescribeTaskDefinition takes an ARN, `family:revision` or `family` (its newest ACTIVE revision)
//   (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeTaskDefinition.html).
// - ListTaskDefinitions lists a family's ACTIVE revisions; the deployer asks newest first (sort DESC)
//   (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListTaskDefinitions.html).
// - UpdateService starts a new PRIMARY deployment; the old one turns ACTIVE until the new one completes;
//   with the circuit breaker's rollback a FAILED deployment is replaced by one of the last completed
//   revision (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-circuit-breaker.html).
// - A deployment that fails leaves two stopped tasks (stopCode EssentialContainerExited, exit code 1),
//   which ListTasks(desiredStatus STOPPED) + DescribeTasks report for at least an hour
//   (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListTasks.html).
// - Clusters and services may be named or given as ARNs.
// It also holds the invariant the deployer promises, "never two rollouts of one service at once": a
// registration or UpdateService for a service while a deployment of a revision the deployer registered
// (it carries a rollout id tag) is IN_PROGRESS is recorded in `violations` and thrown, so the caller
// fails loudly. Rolling back to a revision that still runs is not a second rollout.
import { DEPLOY_ENV } from '../../../common/contract.ts';
import { REVISION_TAG_KEYS } from '../../../deployer/domain/revision-tags.ts';
import type { EcsDeploymentConfiguration } from '../../../deployer/domain/rollout-strategy.ts';
import type { StoppedTask } from '../../../deployer/domain/stopped-tasks.ts';
import type { LiveDeployment, LiveService, TaskDefinition } from '../../../deployer/domain/types.ts';
import type {
  Clock,
  DescribedTaskDefinition,
  EcsPort,
  ServicesDescribed,
  UpdateServiceOptions,
} from '../../../deployer/ports.ts';
import { awsFailure } from './aws-errors.ts';
import { CallCounter } from './call-counter.ts';
import { type PlannedFailure, throwIfPlanned } from './planned-failure.ts';

export const FAKE_ACCOUNT = '123456789012';
export const FAKE_REGION = 'eu-west-1';
const ARN_PREFIX = `arn:aws:ecs:${FAKE_REGION}:${FAKE_ACCOUNT}`;

/** What a deployment of a revision does in the fake ECS. */
export type RolloutBehaviour = 'complete' | 'fail' | 'hang';

interface FakeDeployment extends LiveDeployment {
  polls: number;
}

interface FakeEcsService {
  cluster: string;
  service: string;
  circuitBreakerRollback: boolean;
  deployments: FakeDeployment[];
  events: { id: string; createdAt: Date; message: string }[];
  stopped: StoppedTask[];
  /** Target groups of the service's load balancer (DescribeServices loadBalancers), when seeded with any. */
  loadBalancers?: { targetGroupArn: string; alternateTargetGroupArn?: string }[];
}

export interface FakeEcsOptions {
  /** Counts calls by operation (`ecs:DescribeServices`...). */
  counter?: CallCounter;
  /** describeService calls a deployment stays IN_PROGRESS before it ends (default 2). */
  pollsToFinish?: number;
}

export class FakeEcs implements EcsPort {
  readonly revisions = new Map<string, DescribedTaskDefinition>();
  readonly services = new Map<string, FakeEcsService>();
  readonly counter: CallCounter;
  /** Every registration, in order: family, image of the first container, tags. */
  readonly registrations: { family: string; image: string; tags: Record<string, string> }[] = [];
  /** Breaches of "never two rollouts of one service at once". */
  readonly violations: string[] = [];
  /** Calls that changed something: registrations (a count), UpdateService targets, tags written. */
  readonly calls = {
    register: 0,
    update: [] as string[],
    /** The deploymentConfiguration each UpdateService carried (rollout.strategy), in order. */
    deploymentConfigurations: [] as { service: string; configuration: EcsDeploymentConfiguration }[],
    tag: [] as { arn: string; tags: Record<string, string> }[],
  };
  /** Decides how a deployment of a revision ends (default: complete). */
  behaviour: (taskDefinitionArn: string) => RolloutBehaviour = () => 'complete';
  /** describeService calls a deployment stays IN_PROGRESS. */
  pollsToFinish: number;
  /** Throws `error` from a call of `method`, once, after letting `skip` calls through. */
  failNext: PlannedFailure<keyof EcsPort> | undefined;
  readonly #clock: Clock;
  #nextId = 1;

  constructor(clock: Clock, options: FakeEcsOptions = {}) {
    this.#clock = clock;
    this.counter = options.counter ?? new CallCounter();
    this.pollsToFinish = options.pollsToFinish ?? 2;
  }

  /** A service running revision 1 of its family with `image` in `container`; returns that revision's ARN. */
  seed(options: {
    cluster?: string;
    service: string;
    family?: string;
    container?: string;
    image: string;
    breakerRollback?: boolean;
    /** The service's load balancer target groups (a blue/green pair names the alternate one too). */
    loadBalancers?: { targetGroupArn: string; alternateTargetGroupArn?: string }[];
  }): string {
    const cluster = options.cluster ?? 'gitops';
    const arn = this.#addRevision(
      {
        family: options.family ?? options.service,
        containerDefinitions: [
          { name: options.container ?? options.service, image: options.image, essential: true },
        ],
        cpu: '256',
        memory: '512',
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
      },
      {},
    );
    this.services.set(`${cluster}/${options.service}`, {
      cluster,
      service: options.service,
      circuitBreakerRollback: options.breakerRollback ?? true,
      deployments: [this.#deployment(arn, 'COMPLETED')],
      events: [],
      stopped: [],
      ...(options.loadBalancers ? { loadBalancers: options.loadBalancers } : {}),
    });
    return arn;
  }

  async describeService(cluster: string, service: string, _signal?: AbortSignal): Promise<LiveService> {
    this.#call('describeService', 'ecs:DescribeServices', service);
    const found = this.#service('ecs:DescribeServices', cluster, service);
    this.#progress(found);
    return this.#live(cluster, service, found);
  }

  #live(cluster: string, service: string, found: FakeEcsService): LiveService {
    const primary = this.#primary(found);
    return structuredClone({
      cluster,
      service,
      status: 'ACTIVE',
      desiredCount: 1,
      runningCount: 1,
      pendingCount: 0,
      taskDefinitionArn: primary.taskDefinitionArn,
      deployments: found.deployments.map(({ polls: _, ...d }) => d),
      events: [...found.events].reverse(),
      ...(found.loadBalancers
        ? {
            deploymentSettings: {
              controller: 'ECS',
              configuration: {},
              loadBalancers: found.loadBalancers.map((lb) => ({ ...lb })),
            },
          }
        : {}),
    });
  }

  /** DescribeServices with a list: one call per 10 services (its limit), missing ones as failures. */
  async describeServices(
    cluster: string,
    services: readonly string[],
    _signal?: AbortSignal,
  ): Promise<ServicesDescribed> {
    const described: ServicesDescribed = { found: [], missing: [] };
    for (let start = 0; start < services.length; start += 10) {
      this.#call('describeServices', 'ecs:DescribeServices');
      for (const service of services.slice(start, start + 10)) {
        const name = service.slice(service.lastIndexOf('/') + 1);
        const found = this.services.get(`${cluster.slice(cluster.lastIndexOf('/') + 1)}/${name}`);
        if (!found) {
          described.missing.push({ service, reason: 'MISSING' });
          continue;
        }
        this.#progress(found);
        described.found.push(this.#live(cluster, service, found));
      }
    }
    return described;
  }

  async describeTaskDefinition(
    taskDefinition: string,
    _signal?: AbortSignal,
  ): Promise<DescribedTaskDefinition> {
    this.#call('describeTaskDefinition', 'ecs:DescribeTaskDefinition');
    const found = this.revisions.get(this.#resolve(taskDefinition));
    if (!found)
      throw awsFailure(
        'ecs:DescribeTaskDefinition',
        'ClientException',
        'Unable to describe task definition.',
      );
    return structuredClone(found);
  }

  async registerTaskDefinition(
    taskDefinition: TaskDefinition,
    tags: Record<string, string>,
    _signal?: AbortSignal,
  ): Promise<string> {
    this.#call('registerTaskDefinition', 'ecs:RegisterTaskDefinition', taskDefinition.family);
    for (const service of this.services.values()) {
      if (service.service === taskDefinition.family && this.#deployerRolloutRunning(service))
        this.#violation(`registerTaskDefinition for ${service.service} while its rollout is IN_PROGRESS`);
    }
    const image = taskDefinition.containerDefinitions[0]?.image ?? '';
    this.registrations.push({ family: taskDefinition.family, image, tags: { ...tags } });
    this.calls.register += 1;
    return this.#addRevision(structuredClone(taskDefinition), { ...tags });
  }

  async listTaskDefinitions(family: string, _signal?: AbortSignal): Promise<string[]> {
    this.#call('listTaskDefinitions', 'ecs:ListTaskDefinitions', family);
    return [...this.revisions.values()]
      .map((r) => r.taskDefinition)
      .filter((td) => td.family === family && td.status === 'ACTIVE')
      .sort((a, b) => (b.revision ?? 0) - (a.revision ?? 0))
      .map((td) => td.taskDefinitionArn as string);
  }

  async tagResource(resourceArn: string, tags: Record<string, string>, _signal?: AbortSignal): Promise<void> {
    this.#call('tagResource', 'ecs:TagResource');
    const found = this.revisions.get(resourceArn);
    if (!found)
      throw awsFailure(
        'ecs:TagResource',
        'ResourceNotFoundException',
        `The resource ${resourceArn} was not found.`,
      );
    Object.assign(found.tags, tags);
    this.calls.tag.push({ arn: resourceArn, tags: { ...tags } });
  }

  async updateService(
    cluster: string,
    service: string,
    taskDefinitionArn: string,
    _signal?: AbortSignal,
    options: UpdateServiceOptions = {},
  ): Promise<LiveService> {
    this.#call('updateService', 'ecs:UpdateService', service);
    const found = this.#service('ecs:UpdateService', cluster, service);
    const arn = this.#resolve(taskDefinitionArn);
    if (!this.revisions.has(arn))
      throw awsFailure(
        'ecs:UpdateService',
        'ClientException',
        `TaskDefinition not found: ${taskDefinitionArn}`,
      );
    const primary = this.#primary(found);
    // Rolling back to a revision that still runs (an ACTIVE deployment) is not a second rollout.
    const stillRunning = found.deployments.some((d) => d.status === 'ACTIVE' && d.taskDefinitionArn === arn);
    if (this.#deployerRolloutRunning(found) && primary.taskDefinitionArn !== arn && !stillRunning)
      this.#violation(`updateService for ${found.service} while deployment ${primary.id} is IN_PROGRESS`);
    this.calls.update.push(arn);
    if (options.deploymentConfiguration)
      this.calls.deploymentConfigurations.push({
        service: found.service,
        configuration: structuredClone(options.deploymentConfiguration),
      });
    for (const d of found.deployments) if (d.status === 'PRIMARY') d.status = 'ACTIVE';
    found.deployments.unshift(this.#deployment(arn, 'IN_PROGRESS'));
    this.#event(found, `(service ${found.service}) has started a deployment of ${arn}.`);
    // Like ECS, the answer describes the service after the update (API_UpdateService.html).
    return this.#live(cluster, service, found);
  }

  /**
   * ECS ends the PRIMARY deployment now as `behaviour` says, whatever the looks so far (what an ECS
   * event then reports); returns its id, the event's deploymentId.
   */
  finishDeployment(service = 'actors', cluster = 'gitops'): string {
    const found = this.#service('finishDeployment', cluster, service);
    const primary = this.#primary(found);
    primary.polls = Math.max(primary.polls, this.pollsToFinish - 1);
    this.#progress(found);
    return primary.id;
  }

  async stoppedTasks(
    cluster: string,
    service: string,
    taskDefinitionArn: string,
    _signal?: AbortSignal,
  ): Promise<StoppedTask[]> {
    this.#call('stoppedTasks', 'ecs:ListTasks', service);
    const found = this.#service('ecs:ListTasks', cluster, service);
    return structuredClone(found.stopped.filter((task) => task.taskDefinitionArn === taskDefinitionArn));
  }

  /** The revision ARN of the service's PRIMARY deployment. */
  primaryArn(service = 'actors', cluster = 'gitops'): string {
    const found = this.services.get(`${cluster}/${service}`);
    return found ? this.#primary(found).taskDefinitionArn : '';
  }

  /** The image of the first container of the PRIMARY deployment's revision. */
  liveImage(cluster: string, service: string): string | undefined {
    const arn = this.primaryArn(service, cluster);
    return this.revisions.get(arn)?.taskDefinition.containerDefinitions[0]?.image;
  }

  /** What the PRIMARY's tasks report on /version once it completed (DEPLOY_IMAGE_DIGEST), else null. */
  servedDigest(service = 'actors', cluster = 'gitops'): string | null {
    const found = this.services.get(`${cluster}/${service}`);
    const serving = found?.deployments.find((d) => d.status === 'PRIMARY' && d.rolloutState === 'COMPLETED');
    if (!serving) return null;
    const td = this.revisions.get(serving.taskDefinitionArn)?.taskDefinition;
    const env = td?.containerDefinitions[0]?.environment ?? [];
    return env.find((e) => e.name === DEPLOY_ENV.digest)?.value ?? null;
  }

  #progress(service: FakeEcsService): void {
    const primary = this.#primary(service);
    if (primary.rolloutState !== 'IN_PROGRESS') return;
    primary.polls += 1;
    const behaviour = this.behaviour(primary.taskDefinitionArn);
    if (behaviour === 'hang' || primary.polls < this.pollsToFinish) return;
    primary.updatedAt = this.#clock.now();
    if (behaviour === 'complete') {
      primary.rolloutState = 'COMPLETED';
      primary.rolloutStateReason = `ECS deployment ${primary.id} completed.`;
      primary.runningCount = primary.desiredCount;
      service.deployments = service.deployments.filter((d) => d === primary);
      this.#event(service, `(service ${service.service}) has reached a steady state.`);
      return;
    }
    primary.rolloutState = 'FAILED';
    primary.rolloutStateReason = 'ECS deployment circuit breaker: tasks failed to start.';
    primary.failedTasks = 2;
    for (let task = 0; task < primary.failedTasks; task++) service.stopped.push(this.#crashedTask(primary));
    const previous = service.deployments.find((d) => d !== primary);
    if (service.circuitBreakerRollback && previous) {
      primary.status = 'ACTIVE';
      for (const d of service.deployments) if (d !== primary) d.status = 'ACTIVE';
      service.deployments.unshift(this.#deployment(previous.taskDefinitionArn, 'COMPLETED'));
      this.#event(service, `(service ${service.service}) rolling back to ${previous.taskDefinitionArn}.`);
    }
  }

  /** A task of `deployment` whose essential container exited with code 1. */
  #crashedTask(deployment: FakeDeployment): StoppedTask {
    const container = this.revisions.get(deployment.taskDefinitionArn)?.taskDefinition
      .containerDefinitions[0];
    return {
      taskArn: `${ARN_PREFIX}:task/gitops/${String(this.#nextId++).padStart(32, '0')}`,
      taskDefinitionArn: deployment.taskDefinitionArn,
      startedBy: deployment.id,
      stopCode: 'EssentialContainerExited',
      stoppedReason: 'Essential container in task exited',
      stoppedAt: this.#clock.now(),
      containers: [{ name: container?.name ?? 'app', exitCode: 1 }],
    };
  }

  /** The PRIMARY deployment is IN_PROGRESS on a revision the deployer registered (it tags its own). */
  #deployerRolloutRunning(service: FakeEcsService): boolean {
    const primary = this.#primary(service);
    const tags = this.revisions.get(primary.taskDefinitionArn)?.tags ?? {};
    return primary.rolloutState === 'IN_PROGRESS' && REVISION_TAG_KEYS.rolloutId in tags;
  }

  #primary(service: FakeEcsService): FakeDeployment {
    return service.deployments.find((d) => d.status === 'PRIMARY') as FakeDeployment;
  }

  /** A cluster or service may be given by name or ARN. */
  #service(operation: string, cluster: string, service: string): FakeEcsService {
    const clusterName = cluster.slice(cluster.lastIndexOf('/') + 1);
    const serviceName = service.slice(service.lastIndexOf('/') + 1);
    const found = this.services.get(`${clusterName}/${serviceName}`);
    if (!found)
      throw awsFailure(
        operation,
        'ServiceNotFoundException',
        `Service ${serviceName} in cluster ${clusterName}: MISSING`,
      );
    return found;
  }

  /** Like ECS: an ARN, `family:revision`, or `family` (its newest ACTIVE revision). */
  #resolve(reference: string): string {
    if (this.revisions.has(reference)) return reference;
    const [family, revision] = reference.slice(reference.lastIndexOf('/') + 1).split(':');
    const matches = [...this.revisions.values()]
      .map((r) => r.taskDefinition)
      .filter(
        (td) =>
          td.family === family &&
          (revision === undefined ? td.status === 'ACTIVE' : String(td.revision) === revision),
      )
      .sort((a, b) => (b.revision ?? 0) - (a.revision ?? 0));
    return matches[0]?.taskDefinitionArn ?? reference;
  }

  /** ECS, not the caller, sets the output-only fields of a revision. */
  #addRevision(td: TaskDefinition, tags: Record<string, string>): string {
    const revision =
      [...this.revisions.values()].filter((r) => r.taskDefinition.family === td.family).length + 1;
    const taskDefinitionArn = `${ARN_PREFIX}:task-definition/${td.family}:${revision}`;
    const { deregisteredAt: _, ...input } = td;
    this.revisions.set(taskDefinitionArn, {
      taskDefinition: {
        ...input,
        taskDefinitionArn,
        revision,
        status: 'ACTIVE',
        compatibilities: ['EC2', 'FARGATE'],
        requiresAttributes: [{ name: 'com.amazonaws.ecs.capability.docker-remote-api.1.18' }],
        registeredAt: this.#clock.now(),
        registeredBy: `arn:aws:iam::${FAKE_ACCOUNT}:role/deployer`,
      },
      tags,
    });
    return taskDefinitionArn;
  }

  #deployment(arn: string, state: 'IN_PROGRESS' | 'COMPLETED'): FakeDeployment {
    const now = this.#clock.now();
    return {
      id: `ecs-svc/${this.#nextId++}`,
      status: 'PRIMARY',
      taskDefinitionArn: arn,
      rolloutState: state,
      desiredCount: 1,
      runningCount: state === 'COMPLETED' ? 1 : 0,
      failedTasks: 0,
      createdAt: now,
      updatedAt: now,
      polls: 0,
    };
  }

  #event(service: FakeEcsService, message: string): void {
    service.events.push({ id: `ev-${this.#nextId++}`, createdAt: this.#clock.now(), message });
  }

  #violation(message: string): never {
    this.violations.push(message);
    throw new Error(`INVARIANT VIOLATED: ${message}`);
  }

  /** Counts the call, then throws a planned failure if one is due. */
  #call(method: keyof EcsPort, operation: string, service?: string): void {
    this.counter.record(operation, service);
    throwIfPlanned(this, method);
  }
}
