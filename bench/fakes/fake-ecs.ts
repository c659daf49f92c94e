// In-memory EcsPort for scale benchmarks and resilience tests. Deployments complete on the next
// describeService after `completeAfterDescribes` polls (default 1). It enforces the invariant the
// deployer promises: never two rollouts of one service at once. A registerTaskDefinition or an
// updateService for a service whose deployer-started deployment is still IN_PROGRESS is recorded
// as a violation and thrown, so the caller fails loudly.
import type { LiveService, TaskDefinition } from '../../deployer/domain/types.ts';
import type { DescribedTaskDefinition, EcsPort } from '../../deployer/ports.ts';
import type { CallCounter } from './call-counter.ts';

const ARN_PREFIX = 'arn:aws:ecs:us-east-1:000000000000';

interface FakeDeployment {
  id: string;
  taskDefinitionArn: string;
  state: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';
  describesLeft: number;
  createdAt: Date;
  updatedAt: Date;
}

interface FakeService {
  cluster: string;
  name: string;
  deployments: FakeDeployment[];
}

interface FakeRevision {
  definition: TaskDefinition;
  tags: Record<string, string>;
}

export interface FakeEcsOptions {
  counter: CallCounter;
  completeAfterDescribes?: number;
  /** Families whose next deployments fail (circuit breaker) instead of completing. */
  failingImages?: Set<string>;
}

export class FakeEcs implements EcsPort {
  readonly violations: string[] = [];
  /** Every registration, in order: family, image and tags. */
  readonly registrations: { family: string; image: string; tags: Record<string, string> }[] = [];
  readonly updates: { service: string; taskDefinitionArn: string }[] = [];
  readonly #services = new Map<string, FakeService>();
  readonly #revisions = new Map<string, FakeRevision>();
  readonly #families = new Map<string, string[]>();
  readonly #options: FakeEcsOptions;
  #deploymentSeq = 0;

  constructor(options: FakeEcsOptions) {
    this.#options = options;
  }

  /** Seeds a service running `image` in container `container` (family = service name). */
  seedService(cluster: string, name: string, container: string, image: string): void {
    const arn = this.#register(
      { family: name, containerDefinitions: [{ name: container, image, essential: true }] },
      {},
    );
    this.#services.set(`${cluster}/${name}`, {
      cluster,
      name,
      deployments: [this.#deployment(arn, 'COMPLETED')],
    });
  }

  /** The image the service's PRIMARY deployment runs (first container). */
  liveImage(cluster: string, name: string): string | undefined {
    const primary = this.#services.get(`${cluster}/${name}`)?.deployments[0];
    const revision = primary ? this.#revisions.get(primary.taskDefinitionArn) : undefined;
    return revision?.definition.containerDefinitions[0]?.image;
  }

  registrationsOf(family: string): number {
    return this.registrations.filter((registration) => registration.family === family).length;
  }

  async describeService(cluster: string, service: string, _signal: AbortSignal): Promise<LiveService> {
    this.#options.counter.record('ecs:DescribeServices', service);
    const found = this.#find(cluster, service);
    for (const deployment of found.deployments) {
      if (deployment.state !== 'IN_PROGRESS') continue;
      deployment.describesLeft -= 1;
      if (deployment.describesLeft > 0) continue;
      const image = this.#revisions.get(deployment.taskDefinitionArn)?.definition.containerDefinitions[0]
        ?.image;
      deployment.state = image && this.#options.failingImages?.has(image) ? 'FAILED' : 'COMPLETED';
      deployment.updatedAt = new Date();
    }
    const primary = found.deployments[0] as FakeDeployment;
    return {
      cluster,
      service,
      status: 'ACTIVE',
      desiredCount: 1,
      runningCount: 1,
      taskDefinitionArn: primary.taskDefinitionArn,
      deployments: found.deployments.map((deployment, index) => ({
        id: deployment.id,
        status: index === 0 ? 'PRIMARY' : 'ACTIVE',
        taskDefinitionArn: deployment.taskDefinitionArn,
        rolloutState: deployment.state,
        rolloutStateReason: deployment.state,
        desiredCount: 1,
        runningCount: deployment.state === 'FAILED' ? 0 : 1,
        failedTasks: deployment.state === 'FAILED' ? 2 : 0,
        createdAt: deployment.createdAt,
        updatedAt: deployment.updatedAt,
      })),
      events: [],
    };
  }

  async describeTaskDefinition(
    taskDefinition: string,
    _signal: AbortSignal,
  ): Promise<DescribedTaskDefinition> {
    this.#options.counter.record('ecs:DescribeTaskDefinition');
    const revision = this.#revisions.get(taskDefinition);
    if (!revision) throw new Error(`fake ECS: unknown task definition ${taskDefinition}`);
    return { taskDefinition: structuredClone(revision.definition), tags: { ...revision.tags } };
  }

  async registerTaskDefinition(
    taskDefinition: TaskDefinition,
    tags: Record<string, string>,
    _signal: AbortSignal,
  ): Promise<string> {
    this.#options.counter.record('ecs:RegisterTaskDefinition', taskDefinition.family);
    for (const service of this.#services.values()) {
      if (service.name === taskDefinition.family && service.deployments[0]?.state === 'IN_PROGRESS')
        this.#violation(`registerTaskDefinition for ${service.name} while its deployment is IN_PROGRESS`);
    }
    const image = taskDefinition.containerDefinitions[0]?.image ?? '';
    this.registrations.push({ family: taskDefinition.family, image, tags: { ...tags } });
    return this.#register(taskDefinition, tags);
  }

  async listTaskDefinitions(family: string, _signal: AbortSignal): Promise<string[]> {
    this.#options.counter.record('ecs:ListTaskDefinitions', family);
    return [...(this.#families.get(family) ?? [])].reverse();
  }

  async tagResource(resourceArn: string, tags: Record<string, string>, _signal: AbortSignal): Promise<void> {
    this.#options.counter.record('ecs:TagResource');
    const revision = this.#revisions.get(resourceArn);
    if (!revision) throw new Error(`fake ECS: unknown resource ${resourceArn}`);
    Object.assign(revision.tags, tags);
  }

  async updateService(
    cluster: string,
    service: string,
    taskDefinitionArn: string,
    _signal: AbortSignal,
  ): Promise<void> {
    this.#options.counter.record('ecs:UpdateService', service);
    const found = this.#find(cluster, service);
    if (!this.#revisions.has(taskDefinitionArn))
      throw new Error(`fake ECS: unknown task definition ${taskDefinitionArn}`);
    const primary = found.deployments[0];
    if (primary?.state === 'IN_PROGRESS' && primary.taskDefinitionArn !== taskDefinitionArn)
      this.#violation(`updateService for ${service} while deployment ${primary.id} is IN_PROGRESS`);
    this.updates.push({ service, taskDefinitionArn });
    if (primary?.taskDefinitionArn === taskDefinitionArn) return;
    found.deployments = [
      this.#deployment(taskDefinitionArn, 'IN_PROGRESS'),
      ...found.deployments.slice(0, 1),
    ];
  }

  #violation(message: string): never {
    this.violations.push(message);
    throw new Error(`INVARIANT VIOLATED: ${message}`);
  }

  #find(cluster: string, service: string): FakeService {
    const name = service.slice(service.lastIndexOf('/') + 1);
    const clusterName = cluster.slice(cluster.lastIndexOf('/') + 1);
    const found = this.#services.get(`${clusterName}/${name}`);
    if (!found) throw new Error(`fake ECS: service ${clusterName}/${name} not found`);
    return found;
  }

  #register(taskDefinition: TaskDefinition, tags: Record<string, string>): string {
    const revisions = this.#families.get(taskDefinition.family) ?? [];
    const arn = `${ARN_PREFIX}:task-definition/${taskDefinition.family}:${revisions.length + 1}`;
    revisions.push(arn);
    this.#families.set(taskDefinition.family, revisions);
    const definition = structuredClone({
      ...taskDefinition,
      taskDefinitionArn: arn,
      revision: revisions.length,
    });
    this.#revisions.set(arn, { definition, tags: { ...tags } });
    return arn;
  }

  #deployment(taskDefinitionArn: string, state: FakeDeployment['state']): FakeDeployment {
    this.#deploymentSeq += 1;
    const now = new Date();
    return {
      id: `ecs-svc/${this.#deploymentSeq}`,
      taskDefinitionArn,
      state,
      describesLeft: this.#options.completeAfterDescribes ?? 1,
      createdAt: now,
      updatedAt: now,
    };
  }
}
