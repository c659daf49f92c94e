// Task definition registry: revisions per family, ACTIVE/INACTIVE, lookup by family[:rev] or ARN.
import { AwsError } from '../aws-error.ts';
import {
  type ContainerDefinitionInput,
  ECS_ARN_PREFIX,
  type Json,
  type LocalTaskDefinition,
} from './model.ts';

const FAMILY = /^[A-Za-z0-9_-]{1,255}$/;

export class TaskDefinitionStore {
  readonly #families = new Map<string, LocalTaskDefinition[]>();

  register(
    family: string,
    containerDefinitions: ContainerDefinitionInput[],
    extra: Json,
  ): LocalTaskDefinition {
    if (!FAMILY.test(family)) throw new AwsError('ClientException', `Invalid family name: ${family}`);
    if (containerDefinitions.length === 0) {
      throw new AwsError('ClientException', 'Container definitions must contain at least one container.');
    }
    for (const container of containerDefinitions) {
      if (typeof container.name !== 'string' || typeof container.image !== 'string') {
        throw new AwsError(
          'ClientException',
          'Container.name and Container.image should not be null or empty.',
        );
      }
    }
    const revisions = this.#families.get(family) ?? [];
    const revision = revisions.length + 1;
    const definition: LocalTaskDefinition = {
      arn: `${ECS_ARN_PREFIX}:task-definition/${family}:${revision}`,
      family,
      revision,
      status: 'ACTIVE',
      registeredAt: new Date(),
      containerDefinitions: structuredClone(containerDefinitions),
      extra: structuredClone(extra),
    };
    revisions.push(definition);
    this.#families.set(family, revisions);
    return definition;
  }

  /** Resolves `family`, `family:revision` or a full ARN; `family` alone means the latest ACTIVE. */
  find(reference: string): LocalTaskDefinition | undefined {
    const match = /(?:^|task-definition\/)([A-Za-z0-9_-]+)(?::(\d+))?$/.exec(reference);
    if (!match) return undefined;
    const [, family = '', revision] = match;
    const revisions = this.#families.get(family) ?? [];
    if (revision !== undefined) return revisions[Number(revision) - 1];
    return revisions.filter((definition) => definition.status === 'ACTIVE').at(-1);
  }

  get(reference: string): LocalTaskDefinition {
    const definition = this.find(reference);
    if (!definition) throw new AwsError('ClientException', `Unable to describe task definition.`);
    return definition;
  }

  all(): LocalTaskDefinition[] {
    return [...this.#families.values()].flat();
  }
}

export function describeTaskDefinition(definition: LocalTaskDefinition): Json {
  return {
    ...definition.extra,
    taskDefinitionArn: definition.arn,
    family: definition.family,
    revision: definition.revision,
    status: definition.status,
    containerDefinitions: structuredClone(definition.containerDefinitions),
    compatibilities: ['EC2', 'FARGATE'],
    registeredAt: definition.registeredAt.getTime() / 1000,
    registeredBy: `arn:aws:iam::000000000000:user/local`,
    ...(definition.deregisteredAt ? { deregisteredAt: definition.deregisteredAt.getTime() / 1000 } : {}),
  };
}
