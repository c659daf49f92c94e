// The managed service's `rollout.strategy`, read with the deployer's own config parser so the stack
// and the deployer see the same strategy with the same ECS defaults (the deployer sends it with every
// UpdateService that changes it; the template carries the same values, so a `cdk deploy` does not undo
// it). An invalid config stops synth with the same file:line errors `validate` prints.
import { readFileSync } from 'node:fs';
import { parseConfigFiles } from '../../deployer/domain/config/parse-config-files.ts';
import type { StrategySettings } from '../../deployer/domain/rollout-strategy.ts';
import type { ServiceConfig } from '../../deployer/domain/types.ts';

/** The test header the stack's test listener rule matches when the config names none (the local world's too). */
export const DEFAULT_TEST_HEADER = { name: 'x-test-traffic', value: '1' } as const;

/** The config's `rollout` (strategy with ECS's defaults filled in, and whether failures roll back). */
export function readServiceRollout(file: string, name: string): ServiceConfig['rollout'] {
  // Read as `services/<name>.yaml`: `-c serviceConfig` may name the file anything (the name check is the deployer's).
  const path = `services/${name}.yaml`;
  const result = parseConfigFiles([{ path, text: readFileSync(file, 'utf8') }], 'synth');
  if (!result.ok)
    throw new Error(
      `${file} is not a valid service config:\n${result.errors.map((e) => `  ${e.line}:${e.column} ${e.field} ${e.message}`).join('\n')}`,
    );
  const service = result.state.services[0];
  if (!service) throw new Error(`${file}: no service config read`);
  return service.rollout;
}

/** Does ECS shift traffic between two target groups for this strategy (blue-green, linear, canary)? */
export function shiftsTraffic(strategy: StrategySettings | undefined): boolean {
  return strategy !== undefined && strategy.strategy !== 'rolling';
}
