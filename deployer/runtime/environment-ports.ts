// The AWS ports of one target. A service, or an environment in the deployer's own account and Region,
// uses the deployer's clients; an environment with its own `region` or `roleArn` (config environments)
// uses clients of that Region, with the role's temporary credentials (adapters/aws/clients.ts builds
// them). Every path that touches a target's ECS service or distribution asks here.
import type { ServiceConfig } from '../domain/types.ts';
import type { CdnPort, EcsPort } from '../ports.ts';

export interface TargetPorts {
  ecs: EcsPort;
  cdn: CdnPort;
}

/** Where an environment's own clients point. */
export interface EnvironmentTarget {
  region?: string;
  roleArn?: string;
}

/** Builds (and keeps) the ports of one Region and role. */
export type EnvironmentPortsFactory = (target: EnvironmentTarget) => TargetPorts;

/** Whether a target needs clients of its own (another Region or account). */
export function hasOwnClients(config: ServiceConfig): boolean {
  return config.environment?.region !== undefined || config.environment?.roleArn !== undefined;
}

/** The ports of each target; `factory` absent (fakes, a world without roles): the defaults for all. */
export function targetPorts(
  defaults: TargetPorts,
  factory: EnvironmentPortsFactory | undefined,
): (config: ServiceConfig) => TargetPorts {
  return (config) => {
    const environment = config.environment;
    if (!factory || !environment || !hasOwnClients(config)) return defaults;
    return factory({
      ...(environment.region !== undefined ? { region: environment.region } : {}),
      ...(environment.roleArn !== undefined ? { roleArn: environment.roleArn } : {}),
    });
  };
}
