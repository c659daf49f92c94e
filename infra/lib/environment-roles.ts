// The IAM roles the deployer assumes for environments in other accounts or Regions: every
// `environments.<env>.roleArn` of the service configs next to the stack's own (config/services/*.yaml),
// so the task role may assume exactly those and nothing else. `npm run validate` checks the rest of
// each file; here a role that is not an IAM role ARN stops the synth, as it would stop the deployer.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { ROLE_ARN_PATTERN } from '../../deployer/domain/config/environments-schema.ts';

type Data = Record<string, unknown>;
const record = (value: unknown): Data | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Data) : undefined;

/** The roles named by the configs in the directory of `configFile`, sorted and without repeats. */
export function readEnvironmentRoles(configFile: string): string[] {
  const dir = dirname(configFile);
  const roles = new Set<string>();
  for (const name of readdirSync(dir).filter((file) => /\.ya?ml$/i.test(file))) {
    const file = join(dir, name);
    const environments = record(record(parse(readFileSync(file, 'utf8')))?.environments) ?? {};
    for (const [environment, overrides] of Object.entries(environments)) {
      const role = record(overrides)?.roleArn;
      if (role === undefined) continue;
      if (typeof role !== 'string' || !new RegExp(ROLE_ARN_PATTERN).test(role))
        throw new Error(
          `${file}: environments.${environment}.roleArn must be an IAM role ARN (arn:aws:iam::<account>:role/<name>); run \`npm run validate\``,
        );
      roles.add(role);
    }
  }
  return [...roles].sort();
}
