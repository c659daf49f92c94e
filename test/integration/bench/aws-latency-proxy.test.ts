// The latency proxy benches (and helpers measuring their changes) put between the deployer and the
// local world: it must pass every AWS API through unchanged, errors included, and count each call
// by operation, or bench:latency would time a broken path or count the wrong calls.
import { DescribeClustersCommand, DescribeServicesCommand } from '@aws-sdk/client-ecs';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsLatencyProxy, startAwsLatencyProxy } from '../../../bench/support/aws-latency-proxy.ts';
import { quietLogger } from '../../../bench/support/quiet-logger.ts';
import { type AwsClients, createAwsClients } from '../../../deployer/adapters/aws/clients.ts';
import { type LocalWorld, startLocalWorld } from '../../../local/world.ts';

describe('AWS latency proxy in front of the local world', () => {
  let world: LocalWorld;
  let proxy: AwsLatencyProxy;
  let clients: AwsClients;

  beforeAll(async () => {
    world = await startLocalWorld({ seed: false, logger: quietLogger('proxy-test') });
    proxy = await startAwsLatencyProxy(world, { latencyMs: 5 });
    clients = createAwsClients({
      env: proxy.env(),
      endpoints: proxy.endpoints,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
  });

  afterAll(async () => {
    clients?.destroy();
    await proxy?.stop();
    await world?.stop();
  });

  it('points every AWS endpoint variable at a proxy, not at a stand-in', () => {
    const env = proxy.env();
    for (const api of ['ecs', 'ecr', 'cloudfront', 'ssm', 'logs', 'sqs'] as const) {
      expect(proxy.endpoints[api]).not.toBe(world.endpoints[api]);
      expect(Object.values(env)).toContain(proxy.endpoints[api]);
    }
  });

  it('passes answers and AWS errors through and counts each call by operation', async () => {
    const mark = proxy.calls.mark();
    const clusters = await clients.ecs.send(new DescribeClustersCommand({ clusters: ['nowhere'] }));
    expect(clusters.failures?.[0]?.reason).toBe('MISSING');
    await expect(
      clients.ecs.send(new DescribeServicesCommand({ cluster: 'nowhere', services: ['x'] })),
    ).rejects.toMatchObject({ name: 'ClusterNotFoundException' });
    const attributes = await clients.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: world.queueUrl, AttributeNames: ['FifoQueue'] }),
    );
    expect(attributes.Attributes?.FifoQueue).toBe('true');
    expect(Object.fromEntries(proxy.calls.byOperation(mark))).toEqual({
      'ecs:DescribeClusters': 1,
      'ecs:DescribeServices': 1,
      'sqs:GetQueueAttributes': 1,
    });
  });
});
