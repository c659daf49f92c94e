// CloudFront, CloudWatch and CloudWatch Logs load on first use (clients.ts, on-demand-ports.ts): a
// deployer that never invalidates a CDN, analyses a rollout or reads a failed task's logs never loads
// their SDK packages (~8 MiB resident, ~0.15 s of CPU before ready at start).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAwsClients } from '../../../deployer/adapters/aws/clients.ts';
import type { CdnPort, InvalidationStatus } from '../../../deployer/ports.ts';
import { cdnOnDemand } from '../../../deployer/startup/on-demand-ports.ts';
import { importClosure } from '../../support/import-closure.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const ON_DEMAND = [
  '@aws-sdk/client-cloudfront',
  '@aws-sdk/client-cloudwatch',
  '@aws-sdk/client-cloudwatch-logs',
];
const signal = new AbortController().signal;
const status: InvalidationStatus = { id: 'I1', status: 'Completed' };

describe('AWS clients a deployer may never call load on first use', () => {
  it('deployer/main.ts does not import their SDK packages before it runs (only behind a dynamic import)', async () => {
    const closure = await importClosure(path.join(ROOT, 'deployer/main.ts'));
    expect(closure.packages.filter((name) => ON_DEMAND.includes(name))).toEqual([]);
    expect(ON_DEMAND.filter((name) => closure.optionalPackages.includes(name))).toEqual(ON_DEMAND);
    // The ones every start needs stay static.
    expect(closure.packages).toEqual(expect.arrayContaining(['@aws-sdk/client-ecs', '@aws-sdk/client-sqs']));
  });

  it('makes each client once, on the first get, and closes only what it made', async () => {
    const clients = createAwsClients({ endpoints: { cloudfront: 'http://127.0.0.1:9' } });
    const [first, second] = await Promise.all([clients.cloudfront.get(), clients.cloudfront.get()]);
    expect(first).toBe(second);
    expect(await first.config.region()).toBe('us-east-1');
    clients.destroy();
  });

  it('loads a port once for concurrent first calls, and again after a failed load', async () => {
    let loads = 0;
    let fail = true;
    const cdn = cdnOnDemand(async (): Promise<CdnPort> => {
      loads++;
      if (fail) throw new Error('cannot load');
      return { createInvalidation: async () => status, getInvalidation: async () => status };
    });
    await expect(cdn.getInvalidation('E1', 'I1', signal)).rejects.toThrow('cannot load');
    fail = false;
    const answers = await Promise.all([
      cdn.getInvalidation('E1', 'I1', signal),
      cdn.createInvalidation('E1', ['/*'], 'ref', signal),
    ]);
    expect(answers).toEqual([status, status]);
    expect(loads).toBe(2);
  });
});
