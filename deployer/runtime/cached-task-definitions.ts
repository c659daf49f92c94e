// An EcsPort that describes each task definition revision once. A revision does not change: "To update
// a task definition, create a task definition revision"
// (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/update-task-definition-console-v2.html).
// What does change is its tags, which the deployer writes itself (rollout records, suspensions) through
// tagResource, and its status once deregistered (never read from a described revision here). So a
// revision described by its full ARN is kept (bounded, least recently used out first), and tagResource
// through this port updates the kept tags, so this process reads back exactly what it wrote.
// Tags another replica writes (a suspension made through its API) are not seen in the kept copy: so only
// the bulk reads go through the cache (the resync pass, the status rebuild at start and the status
// refresh, which re-reads a revision whose tags may move: status-refresh.ts), and `authoritative` (what
// a reconcile and the suspensions use) always asks ECS and refreshes a kept copy it finds. A stale kept copy can then at worst
// settle a service's status in a pass; any work is done by a reconcile, which reads ECS itself.
// A kept copy is frozen, all the way down, and a hit answers it as it is: the bulk readers only read it
// (a new revision is rendered from a copy: domain/task-definition.ts), and a pass over 10,000 services
// no longer clones 10,000 task definitions (~1 KB each) per pass into garbage. It is kept without the
// read-only fields ECS adds (status, requiresAttributes, compatibilities, registeredAt/By,
// deregisteredAt: READ_ONLY_FIELDS but the ARN and revision, which name it): no reader of a kept copy
// uses them (they are left out of a rendered revision and of the desired spec), and on Fargate
// requiresAttributes alone is a list of objects per revision.
import { DeployerError } from '../domain/errors.ts';
import type { LiveServiceDeployment } from '../domain/strategy-gate.ts';
import { READ_ONLY_FIELDS } from '../domain/task-definition.ts';
import type { LiveService, TaskDefinition } from '../domain/types.ts';
import type { DescribedTaskDefinition, EcsPort, ServicesDescribed, UpdateServiceOptions } from '../ports.ts';

/** `arn:aws:ecs:<region>:<account>:task-definition/<family>:<revision>`: one fixed revision. */
const REVISION_ARN = /^arn:[^:]+:ecs:[^:]*:\d*:task-definition\/[A-Za-z0-9_-]+:\d+$/;

const DEFAULT_TASK_DEFINITION_CACHE_SIZE = 10_000;

export class CachedTaskDefinitions implements EcsPort {
  readonly #inner: EcsPort;
  readonly #capacity: number;
  readonly #revisions = new Map<string, DescribedTaskDefinition>();
  readonly #pending = new Map<string, Promise<DescribedTaskDefinition>>();
  #hits = 0;

  constructor(inner: EcsPort, capacity = DEFAULT_TASK_DEFINITION_CACHE_SIZE) {
    this.#inner = inner;
    this.#capacity = capacity;
  }

  /** Describes served from the cache (for benchmarks and logs). */
  get hits(): number {
    return this.#hits;
  }

  /** The same port, but every describe asks ECS (and refreshes the kept copy). */
  readonly authoritative: EcsPort = {
    describeTaskDefinition: (reference, signal) => this.#describe(reference, signal, false),
    tagResource: (arn, tags, signal) => this.tagResource(arn, tags, signal),
    describeService: (cluster, service, signal) => this.describeService(cluster, service, signal),
    describeServices: (cluster, services, signal) => this.describeServices(cluster, services, signal),
    registerTaskDefinition: (td, tags, signal) => this.registerTaskDefinition(td, tags, signal),
    listTaskDefinitions: (family, signal) => this.listTaskDefinitions(family, signal),
    updateService: (cluster, service, arn, signal, options) =>
      this.updateService(cluster, service, arn, signal, options),
    stoppedTasks: (cluster, service, arn, signal) => this.stoppedTasks(cluster, service, arn, signal),
    currentServiceDeployment: (cluster, service, signal) =>
      this.currentServiceDeployment(cluster, service, signal),
    rollBackServiceDeployment: (arn, signal) => this.rollBackServiceDeployment(arn, signal),
    continueServiceDeployment: (arn, hookId, action, signal) =>
      this.continueServiceDeployment(arn, hookId, action, signal),
  };

  describeTaskDefinition(reference: string, signal: AbortSignal): Promise<DescribedTaskDefinition> {
    return this.#describe(reference, signal, true);
  }

  async #describe(
    reference: string,
    signal: AbortSignal,
    useKept: boolean,
  ): Promise<DescribedTaskDefinition> {
    const kept = useKept ? this.#revisions.get(reference) : undefined;
    if (kept) {
      this.#hits += 1;
      this.#revisions.delete(reference);
      this.#revisions.set(reference, kept);
      return kept;
    }
    // Bulk readers at start (the background rebuild and the startup resync) ask for the same revisions
    // at once: one call, answered to both.
    const pending = useKept ? this.#pending.get(reference) : undefined;
    if (pending) {
      this.#hits += 1;
      return structuredClone(await pending);
    }
    const call = this.#inner.describeTaskDefinition(reference, signal);
    if (useKept) {
      this.#pending.set(reference, call);
      call.then(
        () => this.#pending.delete(reference),
        () => this.#pending.delete(reference),
      );
    }
    const described = await call;
    // A family or `family:n` reference is not kept: the family's newest revision moves.
    if (
      (useKept || this.#revisions.has(reference)) &&
      this.#capacity > 0 &&
      reference === described.taskDefinition.taskDefinitionArn &&
      REVISION_ARN.test(reference)
    ) {
      this.#revisions.delete(reference);
      this.#revisions.set(reference, frozen(keptCopy(described)));
      for (const oldest of this.#revisions.keys()) {
        if (this.#revisions.size <= this.#capacity) break;
        this.#revisions.delete(oldest);
      }
    }
    return described;
  }

  async tagResource(resourceArn: string, tags: Record<string, string>, signal: AbortSignal): Promise<void> {
    // Forget first: if the call fails half-way, the next describe asks ECS instead of trusting the old tags.
    const kept = this.#revisions.get(resourceArn);
    this.#revisions.delete(resourceArn);
    await this.#inner.tagResource(resourceArn, tags, signal);
    // TagResource adds or overwrites the given keys and leaves the others.
    if (kept) this.#revisions.set(resourceArn, frozen({ ...kept, tags: { ...kept.tags, ...tags } }));
  }

  describeService(cluster: string, service: string, signal: AbortSignal): Promise<LiveService> {
    return this.#inner.describeService(cluster, service, signal);
  }

  describeServices(
    cluster: string,
    services: readonly string[],
    signal: AbortSignal,
  ): Promise<ServicesDescribed> {
    return this.#inner.describeServices(cluster, services, signal);
  }

  registerTaskDefinition(
    taskDefinition: TaskDefinition,
    tags: Record<string, string>,
    signal: AbortSignal,
  ): Promise<string> {
    return this.#inner.registerTaskDefinition(taskDefinition, tags, signal);
  }

  listTaskDefinitions(family: string, signal: AbortSignal): Promise<string[]> {
    return this.#inner.listTaskDefinitions(family, signal);
  }

  updateService(
    cluster: string,
    service: string,
    taskDefinitionArn: string,
    signal: AbortSignal,
    options?: UpdateServiceOptions,
  ): Promise<LiveService | undefined> {
    return this.#inner.updateService(cluster, service, taskDefinitionArn, signal, options);
  }

  /** Passed through (nothing to cache); undefined when the inner port has no strategy support. */
  async currentServiceDeployment(
    cluster: string,
    service: string,
    signal: AbortSignal,
  ): Promise<LiveServiceDeployment | undefined> {
    return this.#inner.currentServiceDeployment?.(cluster, service, signal);
  }

  async rollBackServiceDeployment(serviceDeploymentArn: string, signal: AbortSignal): Promise<void> {
    if (!this.#inner.rollBackServiceDeployment)
      throw new DeployerError('STRATEGY_UNSUPPORTED', 'this ECS cannot stop a service deployment');
    await this.#inner.rollBackServiceDeployment(serviceDeploymentArn, signal);
  }

  async continueServiceDeployment(
    serviceDeploymentArn: string,
    hookId: string,
    action: 'CONTINUE' | 'ROLLBACK',
    signal: AbortSignal,
  ): Promise<void> {
    if (!this.#inner.continueServiceDeployment)
      throw new DeployerError('STRATEGY_UNSUPPORTED', 'this ECS cannot continue a service deployment');
    await this.#inner.continueServiceDeployment(serviceDeploymentArn, hookId, action, signal);
  }

  stoppedTasks(cluster: string, service: string, taskDefinitionArn: string, signal: AbortSignal) {
    return this.#inner.stoppedTasks(cluster, service, taskDefinitionArn, signal);
  }
}

/** Never kept: what ECS adds to a revision, except what names it. */
const NOT_KEPT = new Set<string>(
  READ_ONLY_FIELDS.filter((f) => f !== 'taskDefinitionArn' && f !== 'revision'),
);

function keptCopy(described: DescribedTaskDefinition): DescribedTaskDefinition {
  const taskDefinition = Object.fromEntries(
    Object.entries(described.taskDefinition).filter(([key]) => !NOT_KEPT.has(key)),
  ) as DescribedTaskDefinition['taskDefinition'];
  return structuredClone({ taskDefinition, tags: described.tags });
}

/** Freezes `value` and everything it holds (plain objects, arrays; a Date's fields are its own). */
function frozen<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  for (const inner of Object.values(value)) frozen(inner);
  return Object.freeze(value);
}
