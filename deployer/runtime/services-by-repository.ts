// The config's services indexed by repository path (`team/actors` for both `team/actors` and
// `<registry>/team/actors`), so an ECR event finds its services without parsing every service's
// repository (issue 17: the storm's cost per event must not grow with the number of services). The
// caller still checks the registry (sameRepositoryName) among the few found.
import { parseImageRef } from '../domain/image-ref.ts';
import type { ServiceConfig } from '../domain/types.ts';

const pathOf = (repository: string): string => {
  const parsed = parseImageRef(repository);
  return parsed.ok ? parsed.value.repository : repository;
};

export class ServicesByRepository {
  readonly #index = new Map<string, ServiceConfig[]>();

  constructor(services: readonly ServiceConfig[]) {
    for (const service of services) {
      const key = pathOf(service.image.repository);
      const list = this.#index.get(key);
      if (list) list.push(service);
      else this.#index.set(key, [service]);
    }
  }

  /** The services whose repository has the pushed one's path (name or URI). */
  servicesOf(repository: string): readonly ServiceConfig[] {
    return this.#index.get(pathOf(repository)) ?? [];
  }
}
