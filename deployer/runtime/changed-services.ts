// Which services a new config changes: the ones it adds and the ones whose parsed config differs from
// the config in force. A config change reads ECR as it is now only for these (resync-pass.ts `fresh`);
// the others keep the image lists the passes cached (repository-images.ts), so one edited file at
// 10,000 services costs one DescribeImages, not 10,000. By name through a map: no scan per service.
import type { DesiredState, ServiceConfig } from '../domain/types.ts';

export interface ConfigChange {
  /** Services in the new config that were not in force before. */
  added: ServiceConfig[];
  /** Services in force before whose config the new one changes. */
  edited: ServiceConfig[];
  /** Names of the services in force before that the new config no longer has. */
  removed: string[];
}

export function changedServices(before: DesiredState | undefined, next: DesiredState): ConfigChange {
  const previous = new Map(before?.services.map((service) => [service.name, service]));
  const change: ConfigChange = { added: [], edited: [], removed: [] };
  for (const service of next.services) {
    const was = previous.get(service.name);
    previous.delete(service.name);
    if (!was) change.added.push(service);
    else if (JSON.stringify(was) !== JSON.stringify(service)) change.edited.push(service);
  }
  change.removed = [...previous.keys()];
  return change;
}

/** The repositories (as configured) whose image lists a config change must read from ECR now. */
export function repositoriesToReadFresh(change: ConfigChange): Set<string> {
  return new Set([...change.added, ...change.edited].map((service) => service.image.repository));
}
