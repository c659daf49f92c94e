// EcsPort over the ECS API: live service state, task definitions with their tags, rollouts.
// - DescribeServices takes "up to 10 services ... in a single operation"
//   (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeServices.html): bulk reads
//   go 10 at a time; a missing service is a `failures` entry of a 200 answer, not an error.
// - Every call first takes a token of its operation from the optional RateLimiter (ECS throttles per
//   account and Region with token buckets); a throttled answer empties that bucket.
import {
  type DeploymentConfiguration,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  type ECSClient,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
  TagResourceCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { DeployerError, isDeployerError } from '../../domain/errors.ts';
import type { LiveService, TaskDefinition } from '../../domain/types.ts';
import type {
  DescribedTaskDefinition,
  EcsPort,
  ServicesDescribed,
  UpdateServiceOptions,
} from '../../ports.ts';
import type { RateLimiter } from '../../shared/rate-limiter.ts';
import { toLiveService } from './ecs-live-service.ts';
import {
  continueServiceDeployment,
  currentServiceDeployment,
  rollBackServiceDeployment,
} from './ecs-service-deployments.ts';
import { listStoppedTasks, type SendCall } from './ecs-stopped-tasks.ts';
import { callAws } from './map-aws-error.ts';

/**
 * Fields RegisterTaskDefinition accepts; everything else ECS describes (arn, revision, status...) is
 * output only (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html).
 * local/ecs/server.ts keeps its own list on purpose, not this one: the stand-in models AWS apart from the
 * adapter, so a field wrongly kept or dropped here is not mirrored there, and the tests over the stand-in
 * (and over moto) can still catch it.
 */
const REGISTER_FIELDS = [
  'family',
  'taskRoleArn',
  'executionRoleArn',
  'networkMode',
  'containerDefinitions',
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

const MAX_LIST_PAGES = 100;
/**
 * Client-side budget per ECS operation in AWS. ECS meters each account and Region with token buckets
 * (request-throttling.html); its own example is the cluster read bucket of 50 tokens. 50 at once and
 * 20 a second per operation keeps a deployer well inside the published buckets while leaving room for
 * the console, CI and other tools that draw from the same ones.
 */
export const ECS_RATE_LIMIT = { burst: 50, perSecond: 20 } as const;

/** DescribeServices' limit of services per call. */
const DESCRIBE_SERVICES_BATCH = 10;

export interface EcsAdapterOptions {
  /** Page size for ListTaskDefinitions (1..100); small values only make sense in tests. */
  listPageSize?: number;
  /** Waits for a token before each call (ECS throttling quotas); none: no client-side limit. */
  limiter?: RateLimiter;
}

export class EcsAdapter implements EcsPort {
  readonly #client: ECSClient;
  readonly #listPageSize: number;
  readonly #limiter: RateLimiter | undefined;

  constructor(client: ECSClient, options: EcsAdapterOptions = {}) {
    this.#client = client;
    this.#listPageSize = options.listPageSize ?? 100;
    this.#limiter = options.limiter;
  }

  /** One SDK call: a token first, a throttling answer drains the operation's bucket. */
  async #call<T>(operation: string, signal: AbortSignal, send: () => Promise<T>): Promise<T> {
    await this.#limiter?.acquire(operation, signal);
    try {
      return await callAws(operation, signal, send);
    } catch (error) {
      if (isDeployerError(error) && error.code === 'AWS_THROTTLED') this.#limiter?.throttled(operation);
      throw error;
    }
  }

  async describeService(cluster: string, service: string, signal: AbortSignal): Promise<LiveService> {
    const { found, missing } = await this.describeServices(cluster, [service], signal);
    const live = found[0];
    if (!live) {
      const reason = missing[0]?.reason ?? 'MISSING';
      throw new DeployerError(
        'SERVICE_NOT_FOUND',
        `ECS service ${service} in cluster ${cluster}: ${reason}`,
        {
          details: { cluster, service, reason },
        },
      );
    }
    return live;
  }

  async describeServices(
    cluster: string,
    services: readonly string[],
    signal: AbortSignal,
  ): Promise<ServicesDescribed> {
    const described: ServicesDescribed = { found: [], missing: [] };
    for (let start = 0; start < services.length; start += DESCRIBE_SERVICES_BATCH) {
      const batch = services.slice(start, start + DESCRIBE_SERVICES_BATCH);
      const output = await this.#call('ecs:DescribeServices', signal, () =>
        this.#client.send(new DescribeServicesCommand({ cluster, services: [...batch] }), {
          abortSignal: signal,
        }),
      );
      // ECS answers by ARN and name; match each asked name (or ARN) to its answer.
      for (const asked of batch) {
        const name = asked.slice(asked.lastIndexOf('/') + 1);
        const found = output.services?.find((s) => s.serviceName === name || s.serviceArn === asked);
        // ECS reports a missing service as a "failure" in a 200 answer, and a deleted one as INACTIVE.
        if (found && found.status !== 'INACTIVE') {
          described.found.push(toLiveService(cluster, asked, found));
          continue;
        }
        const failure = output.failures?.find((f) => f.arn === asked || f.arn?.endsWith(`/${name}`));
        described.missing.push({ service: asked, reason: failure?.reason ?? found?.status ?? 'MISSING' });
      }
    }
    return described;
  }

  async describeTaskDefinition(
    taskDefinition: string,
    signal: AbortSignal,
  ): Promise<DescribedTaskDefinition> {
    const output = await this.#call('ecs:DescribeTaskDefinition', signal, () =>
      this.#client.send(new DescribeTaskDefinitionCommand({ taskDefinition, include: ['TAGS'] }), {
        abortSignal: signal,
      }),
    );
    if (!output.taskDefinition?.family) {
      throw new DeployerError(
        'TASK_DEFINITION_INVALID',
        `ECS returned no task definition for ${taskDefinition}`,
        {
          details: { taskDefinition },
        },
      );
    }
    const tags: Record<string, string> = {};
    for (const tag of output.tags ?? []) if (tag.key !== undefined) tags[tag.key] = tag.value ?? '';
    return {
      taskDefinition: {
        ...output.taskDefinition,
        containerDefinitions: output.taskDefinition.containerDefinitions ?? [],
      } as TaskDefinition,
      tags,
    };
  }

  async registerTaskDefinition(
    taskDefinition: TaskDefinition,
    tags: Record<string, string>,
    signal: AbortSignal,
  ): Promise<string> {
    const input: Record<string, unknown> = {};
    for (const field of REGISTER_FIELDS) {
      if (taskDefinition[field] !== undefined && taskDefinition[field] !== null)
        input[field] = taskDefinition[field];
    }
    const tagList = Object.entries(tags).map(([key, value]) => ({ key, value }));
    if (tagList.length > 0) input.tags = tagList;
    const output = await this.#call('ecs:RegisterTaskDefinition', signal, () =>
      this.#client.send(
        new RegisterTaskDefinitionCommand(input as unknown as RegisterTaskDefinitionCommandInput),
        {
          abortSignal: signal,
        },
      ),
    );
    const arn = output.taskDefinition?.taskDefinitionArn;
    if (!arn) {
      throw new DeployerError('AWS_UNAVAILABLE', 'ecs:RegisterTaskDefinition answered without an ARN', {
        details: { family: taskDefinition.family },
      });
    }
    return arn;
  }

  async listTaskDefinitions(family: string, signal: AbortSignal): Promise<string[]> {
    const arns: string[] = [];
    let nextToken: string | undefined;
    for (let page = 0; page < MAX_LIST_PAGES; page++) {
      const output = await this.#call('ecs:ListTaskDefinitions', signal, () =>
        this.#client.send(
          new ListTaskDefinitionsCommand({
            familyPrefix: family,
            status: 'ACTIVE',
            sort: 'DESC',
            maxResults: this.#listPageSize,
            nextToken,
          }),
          { abortSignal: signal },
        ),
      );
      arns.push(...(output.taskDefinitionArns ?? []));
      nextToken = output.nextToken;
      if (!nextToken) break;
    }
    // familyPrefix is a prefix on some implementations: keep exactly this family.
    return arns.filter((arn) => familyOf(arn) === family);
  }

  async tagResource(resourceArn: string, tags: Record<string, string>, signal: AbortSignal): Promise<void> {
    const list = Object.entries(tags).map(([key, value]) => ({ key, value }));
    if (list.length === 0) return;
    await this.#call('ecs:TagResource', signal, () =>
      this.#client.send(new TagResourceCommand({ resourceArn, tags: list }), { abortSignal: signal }),
    );
  }

  async updateService(
    cluster: string,
    service: string,
    taskDefinitionArn: string,
    signal: AbortSignal,
    options: UpdateServiceOptions = {},
  ): Promise<LiveService | undefined> {
    // The domain's plain-data deploymentConfiguration uses the API's own field names
    // (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentConfiguration.html).
    const deploymentConfiguration = options.deploymentConfiguration as DeploymentConfiguration | undefined;
    const output = await this.#call('ecs:UpdateService', signal, () =>
      this.#client.send(
        new UpdateServiceCommand({
          cluster,
          service,
          taskDefinition: taskDefinitionArn,
          ...(deploymentConfiguration && { deploymentConfiguration }),
        }),
        { abortSignal: signal },
      ),
    );
    // "The full description of your service following the update call" (API_UpdateService.html).
    return output.service ? toLiveService(cluster, service, output.service) : undefined;
  }

  /** The newest PENDING or IN_PROGRESS service deployment (ecs-service-deployments.ts). */
  currentServiceDeployment(cluster: string, service: string, signal: AbortSignal) {
    const call: SendCall = (operation, send) => this.#call(operation, signal, send);
    return currentServiceDeployment(this.#client, { cluster, service }, call, signal);
  }

  /** StopServiceDeployment with stopType ROLLBACK (ecs-service-deployments.ts). */
  rollBackServiceDeployment(serviceDeploymentArn: string, signal: AbortSignal) {
    const call: SendCall = (operation, send) => this.#call(operation, signal, send);
    return rollBackServiceDeployment(this.#client, serviceDeploymentArn, call, signal);
  }

  /** ContinueServiceDeployment on a paused lifecycle hook (ecs-service-deployments.ts). */
  continueServiceDeployment(
    serviceDeploymentArn: string,
    hookId: string,
    action: 'CONTINUE' | 'ROLLBACK',
    signal: AbortSignal,
  ) {
    const call: SendCall = (operation, send) => this.#call(operation, signal, send);
    return continueServiceDeployment(this.#client, { serviceDeploymentArn, hookId, action }, call, signal);
  }

  /** The revision's stopped tasks (ecs-stopped-tasks.ts), each call under the rate limit. */
  stoppedTasks(cluster: string, service: string, taskDefinitionArn: string, signal: AbortSignal) {
    const call: SendCall = (operation, send) => this.#call(operation, signal, send);
    return listStoppedTasks(this.#client, { cluster, service, taskDefinitionArn }, call, signal);
  }
}

/** `arn:aws:ecs:region:account:task-definition/family:7` → `family`. */
function familyOf(arn: string): string {
  const name = arn.slice(arn.lastIndexOf('/') + 1);
  const colon = name.lastIndexOf(':');
  return colon === -1 ? name : name.slice(0, colon);
}
