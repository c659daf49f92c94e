// Proves the cdk-nag gate used by the app can fail: an unacknowledged finding stops synthesis.
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import cdkNag from 'cdk-nag';
import { describe, expect, it } from 'vitest';

const { AwsSolutionsChecks } = cdkNag;

function synthWithSecret(acknowledged: boolean): void {
  const app = new App({ builtinCloudFormationValidation: false });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const stack = new Stack(app, 'Probe');
  const secret = new secretsmanager.Secret(stack, 'Secret');
  if (acknowledged) Validations.of(secret).acknowledge({ id: 'AwsSolutions-SMG4', reason: 'test' });
  app.synth();
}

describe('cdk-nag gate', () => {
  it('fails synthesis on an unacknowledged AwsSolutions error', () => {
    expect(() => synthWithSecret(false)).toThrow();
  });

  it('passes once that exact rule is acknowledged', () => {
    expect(() => synthWithSecret(true)).not.toThrow();
  });
});
