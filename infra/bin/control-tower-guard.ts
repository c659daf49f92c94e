// cfn-guard with the Control Tower rule set, given only the rule files that can match the templates.
// CfnGuardValidator hands cfn-guard all 237 rule files; cfn-guard parses and evaluates each of them for
// every template, ~34 s of CPU for our two templates, nearly all of it on rules about resource types the
// templates do not have (RDS, Redshift, OpenSearch...), which can only answer SKIP. Every Control Tower
// rule selects its resources by literal type (`let S3_BUCKET_TYPE = "AWS::S3::Bucket"`, then
// `Resources.*[ Type == %S3_BUCKET_TYPE ]`), so a rule file naming none of the templates' types has
// nothing to check; a rule file naming no type at all is always kept. Same plugin name, rule names and
// findings (acknowledged in infra/lib/acknowledgements.ts as `cdk-validator-cfnguard::<rule>`); the
// selection follows the templates, so a new resource type brings its rules with it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import type {
  IPolicyValidationContextBeta1,
  IPolicyValidationPluginBeta1,
  PolicyValidationPluginReportBeta1,
} from 'aws-cdk-lib';

const RULES_DIR = join(
  dirname(createRequire(import.meta.url).resolve('@cdklabs/cdk-validator-cfnguard/package.json')),
  'rules/control-tower/cfn-guard',
);
const RESOURCE_TYPE = /AWS::[A-Za-z0-9]+::[A-Za-z0-9]+/g;

interface RuleFile {
  path: string;
  /** The resource types the rule file names; empty for a rule that names none (always run). */
  types: Set<string>;
}

function ruleFiles(dir: string): RuleFile[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return ruleFiles(path);
    return [{ path, types: new Set(readFileSync(path, 'utf8').match(RESOURCE_TYPE) ?? []) }];
  });
}

/** The resource types of CloudFormation templates (their `Resources.*.Type`). */
function resourceTypesOf(templatePaths: readonly string[]): Set<string> {
  const types = new Set<string>();
  for (const path of templatePaths) {
    const template = JSON.parse(readFileSync(path, 'utf8')) as {
      Resources?: Record<string, { Type?: string }>;
    };
    for (const resource of Object.values(template.Resources ?? {}))
      if (resource.Type) types.add(resource.Type);
  }
  return types;
}

/** The Control Tower rule files that can match a template with these resource types. */
export function controlTowerRulesFor(types: ReadonlySet<string>): { selected: string[]; total: number } {
  const all = ruleFiles(RULES_DIR);
  const selected = all.filter((rule) => rule.types.size === 0 || [...rule.types].some((t) => types.has(t)));
  return { selected: selected.map((rule) => rule.path), total: all.length };
}

export class ControlTowerGuard implements IPolicyValidationPluginBeta1 {
  readonly name = 'cdk-validator-cfnguard';
  readonly version: string | undefined;
  readonly ruleIds: string[];
  readonly #maxBuffer: number;

  constructor(options: { maxBuffer: number }) {
    this.#maxBuffer = options.maxBuffer;
    const everything = new CfnGuardValidator({ controlTowerRulesEnabled: true });
    this.version = everything.version;
    this.ruleIds = everything.ruleIds ?? [];
  }

  validate(context: IPolicyValidationContextBeta1): PolicyValidationPluginReportBeta1 {
    const { selected } = controlTowerRulesFor(resourceTypesOf(context.templatePaths));
    return new CfnGuardValidator({
      controlTowerRulesEnabled: false,
      rules: selected,
      maxBuffer: this.#maxBuffer,
    }).validate(context);
  }
}
