// The clients of an environment in another account or Region (config environments.<env>.roleArn,
// region) against moto: with a role they act with the role's temporary credentials from STS AssumeRole,
// which moto maps to the role's account (its multi-account support), so what they create is in that
// account and Region and invisible to the deployer's own credentials.
import { CreateClusterCommand, ListClustersCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsClients, createEnvironmentClients } from '../../../deployer/adapters/aws/clients.ts';
import { type MotoAccount, motoAccount } from '../../support/moto-accounts.ts';

const OTHER_ACCOUNT = '111122223333';
const ROLE = `arn:aws:iam::${OTHER_ACCOUNT}:role/ecs-gitops-deploy`;
let moto: MotoAccount;

beforeAll(async () => {
  moto = await motoAccount();
}, 60_000);
afterAll(async () => {
  await moto?.stop();
});

const settings = () => ({
  endpoints: { ecs: moto.endpoint, sts: moto.endpoint, cloudfront: moto.endpoint },
  credentials: moto.credentials,
  region: 'us-east-1',
  maxAttempts: 1,
});

describe('createEnvironmentClients', () => {
  it('acts in the role’s account and the environment’s Region, through STS AssumeRole', async () => {
    const environment = createEnvironmentClients(settings(), { roleArn: ROLE, region: 'eu-west-1' });
    const own = createAwsClients(settings());
    try {
      const created = await environment.ecs.send(new CreateClusterCommand({ clusterName: 'production' }));
      expect(created.cluster?.clusterArn).toBe(`arn:aws:ecs:eu-west-1:${OTHER_ACCOUNT}:cluster/production`);
      const mine = await own.ecs.send(new ListClustersCommand({}));
      expect(mine.clusterArns ?? []).not.toContain(created.cluster?.clusterArn);
      const theirs = await environment.ecs.send(new ListClustersCommand({}));
      expect(theirs.clusterArns).toContain(created.cluster?.clusterArn);
    } finally {
      environment.destroy();
      own.destroy();
    }
  });

  it('without a role uses the deployer’s credentials in the environment’s Region', async () => {
    const environment = createEnvironmentClients(settings(), { region: 'eu-central-1' });
    try {
      const created = await environment.ecs.send(new CreateClusterCommand({ clusterName: 'staging' }));
      expect(created.cluster?.clusterArn).toBe(`arn:aws:ecs:eu-central-1:${moto.accountId}:cluster/staging`);
    } finally {
      environment.destroy();
    }
  });
});
