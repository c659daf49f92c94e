// The environment knobs of the local world (fixed ports for humans, fault injection, the echo task),
// shared by `npm run local` (local/main.ts) and the deployer's embedded local mode (deployer/main.ts).
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
  };
}
