// EcsPort over the ECS API: live service state, task definitions with their tags, rollouts.
import {
  type Deployment,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  type ECSClient,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
  TagResourceCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { DeployerError } from '../../domain/errors.ts';
import type { LiveDeployment, LiveService, RolloutState, TaskDefinition } from '../../domain/types.ts';
import type { DescribedTaskDefinition, EcsPort } from '../../ports.ts';
import { callAws } from './map-aws-error.ts';

/** Fields RegisterTaskDefinition accepts; everything else ECS describes (arn, revision, status...) is output only. */
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

export interface EcsAdapterOptions {
  /** Page size for ListTaskDefinitions (1..100); small values only make sense in tests. */
  listPageSize?: number;
}

export class EcsAdapter implements EcsPort {
  readonly #client: ECSClient;
  readonly #listPageSize: number;

  constructor(client: ECSClient, options: EcsAdapterOptions = {}) {
    this.#client = client;
    this.#listPageSize = options.listPageSize ?? 100;
  }

  async describeService(cluster: string, service: string, signal: AbortSignal): Promise<LiveService> {
    const output = await callAws('ecs:DescribeServices', signal, () =>
      this.#client.send(new DescribeServicesCommand({ cluster, services: [service] }), {
        abortSignal: signal,
      }),
    );
    const found = output.services?.[0];
    // ECS reports a missing service as a "failure" in a 200 answer, and a deleted one as INACTIVE.
    if (!found || found.status === 'INACTIVE') {
      const reason = output.failures?.[0]?.reason ?? found?.status ?? 'MISSING';
      throw new DeployerError(
        'SERVICE_NOT_FOUND',
        `ECS service ${service} in cluster ${cluster}: ${reason}`,
        {
          details: { cluster, service, reason },
        },
      );
    }
    const deployments = (found.deployments ?? []).map(toLiveDeployment);
    const primary = deployments.find((d) => d.status === 'PRIMARY');
    return {
      cluster,
      service,
      status: found.status ?? 'UNKNOWN',
      desiredCount: found.desiredCount ?? 0,
      runningCount: found.runningCount ?? 0,
      pendingCount: found.pendingCount ?? 0,
      taskDefinitionArn: primary?.taskDefinitionArn ?? found.taskDefinition ?? '',
      deployments,
      events: (found.events ?? []).map((event) => ({
        id: event.id ?? '',
        createdAt: event.createdAt ?? new Date(0),
        message: event.message ?? '',
      })),
    };
  }

  async describeTaskDefinition(
    taskDefinition: string,
    signal: AbortSignal,
  ): Promise<DescribedTaskDefinition> {
    const output = await callAws('ecs:DescribeTaskDefinition', signal, () =>
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
    const output = await callAws('ecs:RegisterTaskDefinition', signal, () =>
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
      const output = await callAws('ecs:ListTaskDefinitions', signal, () =>
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
    await callAws('ecs:TagResource', signal, () =>
      this.#client.send(new TagResourceCommand({ resourceArn, tags: list }), { abortSignal: signal }),
    );
  }

  async updateService(
    cluster: string,
    service: string,
    taskDefinitionArn: string,
    signal: AbortSignal,
  ): Promise<void> {
    await callAws('ecs:UpdateService', signal, () =>
      this.#client.send(new UpdateServiceCommand({ cluster, service, taskDefinition: taskDefinitionArn }), {
        abortSignal: signal,
      }),
    );
  }
}

/** `arn:aws:ecs:region:account:task-definition/family:7` → `family`. */
function familyOf(arn: string): string {
  const name = arn.slice(arn.lastIndexOf('/') + 1);
  const colon = name.lastIndexOf(':');
  return colon === -1 ? name : name.slice(0, colon);
}

const ROLLOUT_STATES = new Set<string>(['IN_PROGRESS', 'COMPLETED', 'FAILED']);
const DEPLOYMENT_STATUSES = new Set<string>(['PRIMARY', 'ACTIVE', 'INACTIVE']);

function toLiveDeployment(deployment: Deployment): LiveDeployment {
  const live: LiveDeployment = {
    id: deployment.id ?? '',
    status: (DEPLOYMENT_STATUSES.has(deployment.status ?? '')
      ? deployment.status
      : 'INACTIVE') as LiveDeployment['status'],
    taskDefinitionArn: deployment.taskDefinition ?? '',
    desiredCount: deployment.desiredCount ?? 0,
    runningCount: deployment.runningCount ?? 0,
    failedTasks: deployment.failedTasks ?? 0,
    createdAt: deployment.createdAt ?? new Date(0),
    updatedAt: deployment.updatedAt ?? deployment.createdAt ?? new Date(0),
  };
  if (deployment.rolloutState && ROLLOUT_STATES.has(deployment.rolloutState)) {
    live.rolloutState = deployment.rolloutState as RolloutState;
  }
  if (deployment.rolloutStateReason) live.rolloutStateReason = deployment.rolloutStateReason;
  return live;
}
