// The environment knobs of the local world (fixed ports for humans, fault injection, the echo task),
// shared by `npm run local` (local/main.ts) and the deployer's embedded local mode (deployer/main.ts).
import { ENVIRONMENT_NAME_PATTERN } from '../deployer/domain/config/environments-schema.ts';
import { faultSettingsFromEnv } from './faults.ts';
import { ECHO_TASK_COMMAND } from './task-commands.ts';
import {
  DEFAULT_LOCAL_PORTS,
  LOCAL_PORT_VARIABLES,
  type LocalPorts,
  type LocalWorldOptions,
} from './world.ts';

/** DEFAULT_LOCAL_PORTS, each overridable by its LOCAL_*_PORT variable (0 = any free port). */
export function localPortsFromEnv(env: NodeJS.ProcessEnv): LocalPorts {
  const ports = { ...DEFAULT_LOCAL_PORTS };
  for (const [key, name] of Object.entries(LOCAL_PORT_VARIABLES) as [keyof LocalPorts, string][]) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    const port = Number(value);
    if (!Number.isInteger(port) || port < 0 || port > 65_535)
      throw new Error(`${name}=${JSON.stringify(value)} must be a port number from 0 to 65535`);
    ports[key] = port;
  }
  return ports;
}

export function localWorldOptionsFromEnv(
  env: NodeJS.ProcessEnv,
): LocalWorldOptions & { faultRate: number; faultSeed: number } {
  const { rate, seed } = faultSettingsFromEnv(env);
  return {
    ports: localPortsFromEnv(env),
    faultRate: rate,
    faultSeed: seed,
    // LOCAL_USE_ECHO_TASK=1 plays `actors` with the tiny echo fixture (when service/ is not built).
    ...(env.LOCAL_USE_ECHO_TASK === '1' ? { taskCommands: { actors: ECHO_TASK_COMMAND } } : {}),
    ...actorsTargetGroupsFromEnv(env),
    ...minuteFromEnv(env),
    ...environmentsFromEnv(env),
  };
}

/**
 * LOCAL_ENVIRONMENTS=staging,production also seeds the actors service once per environment (cluster
 * `<env>`, service `actors-<env>`, its own load balancer), for a pipeline (docs/local.md).
 */
function environmentsFromEnv(env: NodeJS.ProcessEnv): Pick<LocalWorldOptions, 'environments'> {
  const value = env.LOCAL_ENVIRONMENTS;
  if (value === undefined || value.trim() === '') return {};
  const names = value.split(',').map((name) => name.trim());
  const pattern = new RegExp(ENVIRONMENT_NAME_PATTERN);
  const wrong = names.filter((name) => !pattern.test(name));
  if (wrong.length > 0 || new Set(names).size !== names.length)
    throw new Error(
      `LOCAL_ENVIRONMENTS=${JSON.stringify(value)} must list distinct environment names separated by commas, each a lowercase word starting with a letter (e.g. staging,production)`,
    );
  return { environments: names };
}

/** LOCAL_ACTORS_TARGET_GROUPS=1 leaves actors without the alternate target group BLUE_GREEN, LINEAR and CANARY need (default 2). */
function actorsTargetGroupsFromEnv(env: NodeJS.ProcessEnv): Pick<LocalWorldOptions, 'actorsTargetGroups'> {
  const value = env.LOCAL_ACTORS_TARGET_GROUPS;
  if (value === undefined || value === '') return {};
  if (value !== '1' && value !== '2')
    throw new Error(
      `LOCAL_ACTORS_TARGET_GROUPS=${JSON.stringify(value)} must be 1 or 2 (2 for blue/green, linear and canary)`,
    );
  return { actorsTargetGroups: value === '2' ? 2 : 1 };
}

/** LOCAL_ECS_MINUTE_MS: how long one "minute" of ECS bake time lasts locally (default 1000 ms). */
function minuteFromEnv(env: NodeJS.ProcessEnv): Pick<LocalWorldOptions, 'timing'> {
  const value = env.LOCAL_ECS_MINUTE_MS;
  if (value === undefined || value === '') return {};
  const minuteMs = Number(value);
  if (!Number.isInteger(minuteMs) || minuteMs < 1)
    throw new Error(
      `LOCAL_ECS_MINUTE_MS=${JSON.stringify(value)} must be a whole number of milliseconds (1 or more)`,
    );
  return { timing: { minuteMs } };
}
