// The config's services indexed once per config applied, so the work of one event does not grow with
// the number of services (issue 17: an ECR storm's events/s must stay flat from 1,000 to 10,000):
// - by repository path (`team/actors` for both `team/actors` and `<registry>/team/actors`): an ECR event
//   finds its services without parsing every service's repository (the caller still checks the registry,
//   sameRepositoryName, among the few found);
// - by name (a status look asked for by an event);
// - by ECS service name (an ECS deployment event names the service and cluster, not our name).
import { parseImageRef } from '../domain/image-ref.ts';
import type { ServiceConfig } from '../domain/types.ts';

/** `team/actors` for both `team/actors` and `<registry>/team/actors`. */
export const repositoryPath = (repository: string): string => {
  const parsed = parseImageRef(repository);
  return parsed.ok ? parsed.value.repository : repository;
};
const nameOf = (nameOrArn: string) => nameOrArn.slice(nameOrArn.lastIndexOf('/') + 1);

function push<K, V>(index: Map<K, V[]>, key: K, value: V): void {
  const list = index.get(key);
  if (list) list.push(value);
  else index.set(key, [value]);
}

export class ServiceIndex {
  readonly #byRepository = new Map<string, ServiceConfig[]>();
  readonly #byName = new Map<string, ServiceConfig>();
  readonly #byEcsService = new Map<string, ServiceConfig[]>();

  constructor(services: readonly ServiceConfig[]) {
    for (const service of services) {
      push(this.#byRepository, repositoryPath(service.image.repository), service);
      this.#byName.set(service.name, service);
      push(this.#byEcsService, nameOf(service.service), service);
    }
  }

  /** The services whose repository has the pushed one's path (name or URI). */
  servicesOf(repository: string): readonly ServiceConfig[] {
    return this.#byRepository.get(repositoryPath(repository)) ?? [];
  }

  named(name: string): ServiceConfig | undefined {
    return this.#byName.get(name);
  }

  /** The managed service an ECS event is about (names or ARNs; an empty cluster matches any). */
  running(cluster: string, service: string): ServiceConfig | undefined {
    const clusterName = nameOf(cluster);
    return this.#byEcsService
      .get(nameOf(service))
      ?.find((s) => clusterName === '' || nameOf(s.cluster) === clusterName);
  }
}
