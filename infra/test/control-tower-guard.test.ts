// The cfn-guard gate runs only the Control Tower rules that can match the template (control-tower-guard.ts).
// Its premise: every rule file names the resource types it checks as literals. This fails if a new rule
// set selects types some other way; and a synth with an unacknowledged finding still fails.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import { ControlTowerGuard, controlTowerRulesFor } from '../bin/control-tower-guard.ts';

const RULES_DIR = join(
  dirname(createRequire(import.meta.url).resolve('@cdklabs/cdk-validator-cfnguard/package.json')),
  'rules/control-tower/cfn-guard',
);
const ruleTexts = () =>
  readdirSync(RULES_DIR, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.guard'))
    .map((file) => ({ path: join(RULES_DIR, file), text: readFileSync(join(RULES_DIR, file), 'utf8') }));

describe('Control Tower rules for a template', () => {
  it('every rule file names its resource types as literals (none selects them by pattern)', () => {
    const rules = ruleTexts();
    expect(rules.length).toBeGreaterThan(200);
    for (const { path, text } of rules) {
      expect(text, path).toMatch(/AWS::[A-Za-z0-9]+::[A-Za-z0-9]+/);
      expect(text, path).not.toMatch(/Type\s*(==|!=|IN)\s*\//);
    }
  });

  it('keeps exactly the rule files that name one of the types', () => {
    const types = new Set(['AWS::SQS::Queue', 'AWS::ECS::TaskDefinition']);
    const { selected, total } = controlTowerRulesFor(types);
    const naming = ruleTexts()
      .filter(({ text }) =>
        [...types].some((type) => text.includes(`"${type}"`) || text.includes(`'${type}'`)),
      )
      .map(({ path }) => path);
    expect(total).toBe(ruleTexts().length);
    expect(selected.sort()).toEqual(naming.sort());
    expect(selected.some((path) => path.includes('/rds/'))).toBe(false);
  });

  it('fails the synth on an unacknowledged finding of a kept rule', () => {
    const app = new App({ builtinCloudFormationValidation: false });
    Validations.of(app).addPlugins(new ControlTowerGuard({ maxBuffer: 16 * 1024 * 1024 }));
    // Control Tower CT.SQS.PR.2 (sqs_queue_encrypted_check): an SQS queue without server-side encryption.
    new sqs.Queue(new Stack(app, 'Probe'), 'Queue', { encryption: sqs.QueueEncryption.UNENCRYPTED });
    expect(() => app.synth()).toThrow(/CT\.SQS\.PR\.2.*\(cdk-validator-cfnguard\)/);
  });
});
