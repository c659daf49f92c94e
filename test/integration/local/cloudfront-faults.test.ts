import {
  CreateInvalidationCommand,
  GetInvalidationCommand,
  ListInvalidationsCommand,
  NoSuchDistribution,
  NoSuchInvalidation,
} from '@aws-sdk/client-cloudfront';
import { DescribeClustersCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFaultInjector } from '../../../local/faults.ts';
import { type LocalWorld, startLocalWorld } from '../../../local/world.ts';
import { clients, echoWorldOptions, eventually, quietLogger } from './helpers.ts';

let world: LocalWorld;
let sdk: ReturnType<typeof clients>;

beforeAll(async () => {
  world = await startLocalWorld(echoWorldOptions({ seed: false, distributions: ['E2LOCALACTORS'] }));
  sdk = clients(world);
});
afterAll(async () => {
  await world.stop();
});

const batch = (reference: string, paths: string[]) =>
  new CreateInvalidationCommand({
    DistributionId: 'E2LOCALACTORS',
    InvalidationBatch: { CallerReference: reference, Paths: { Quantity: paths.length, Items: paths } },
  });

describe('CloudFront stand-in through @aws-sdk/client-cloudfront', () => {
  it('is idempotent per CallerReference and completes after the configured delay', async () => {
    const first = await sdk.cloudfront.send(batch('rollout-1', ['/*', '/index.html']));
    expect(first.Invalidation?.Status).toBe('InProgress');
    expect(first.Location).toContain(`/invalidation/${first.Invalidation?.Id}`);
    const again = await sdk.cloudfront.send(batch('rollout-1', ['/index.html', '/*']));
    expect(again.Invalidation?.Id).toBe(first.Invalidation?.Id);
    expect(world.invalidations()).toHaveLength(1);
    // Not modeled in the SDK: it surfaces as a CloudFrontServiceException named after the code.
    await expect(sdk.cloudfront.send(batch('rollout-1', ['/other']))).rejects.toMatchObject({
      name: 'InvalidationBatchAlreadyExists',
      $metadata: { httpStatusCode: 409 },
    });
    const done = await eventually(async () => {
      const answer = await sdk.cloudfront.send(
        new GetInvalidationCommand({ DistributionId: 'E2LOCALACTORS', Id: first.Invalidation?.Id }),
      );
      return answer.Invalidation?.Status === 'Completed' ? answer : undefined;
    });
    expect(done.Invalidation?.InvalidationBatch?.Paths?.Items).toEqual(['/*', '/index.html']);
    expect(done.Invalidation?.CreateTime).toBeInstanceOf(Date);
    const list = await sdk.cloudfront.send(new ListInvalidationsCommand({ DistributionId: 'E2LOCALACTORS' }));
    expect(list.InvalidationList?.Items?.map((item) => item.Id)).toEqual([first.Invalidation?.Id]);
  });

  it.each([
    [
      'unknown distribution',
      () => new ListInvalidationsCommand({ DistributionId: 'EUNKNOWN' }),
      NoSuchDistribution,
    ],
    [
      'unknown invalidation',
      () => new GetInvalidationCommand({ DistributionId: 'E2LOCALACTORS', Id: 'INOPE' }),
      NoSuchInvalidation,
    ],
  ] as const)('answers %s with the SDK exception class', async (_name, command, errorClass) => {
    await expect(sdk.cloudfront.send(command() as never)).rejects.toBeInstanceOf(errorClass);
  });
});

describe('fault injection', () => {
  it('is deterministic for a seed and close to the configured rate', () => {
    const sequence = (seed: number) => {
      const faults = createFaultInjector(0.2, seed);
      return Array.from({ length: 1000 }, () => faults.next()?.kind ?? 'ok');
    };
    expect(sequence(7)).toEqual(sequence(7));
    expect(sequence(7)).not.toEqual(sequence(8));
    const failed = sequence(7).filter((kind) => kind !== 'ok').length;
    expect(failed).toBeGreaterThan(150);
    expect(failed).toBeLessThan(250);
    expect(() => createFaultInjector(1.5)).toThrow(RangeError);
  });

  it('makes ECS and CloudFront calls fail with throttling or 5xx in AWS error shapes', async () => {
    const faulty = await startLocalWorld(
      echoWorldOptions({ seed: false, faultRate: 1, faultSeed: 3, logger: quietLogger }),
    );
    try {
      const faultySdk = clients(faulty);
      const names = new Set<string>();
      for (let index = 0; index < 12; index += 1) {
        const error = await faultySdk.ecs
          .send(new DescribeClustersCommand({}))
          .catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(Error);
        const { name, $metadata } = error as { name: string; $metadata: { httpStatusCode: number } };
        names.add(name);
        expect([400, 500, 503]).toContain($metadata.httpStatusCode);
      }
      expect(names.has('ThrottlingException')).toBe(true);
      expect(
        [...names].some((name) => name === 'ServerException' || name === 'ServiceUnavailableException'),
      ).toBe(true);
      const cdnError = await faultySdk.cloudfront
        .send(new ListInvalidationsCommand({ DistributionId: 'E1' }))
        .catch((caught: unknown) => caught as { $metadata: { httpStatusCode: number } });
      expect([400, 500, 503]).toContain(
        (cdnError as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode,
      );
      expect(faulty.faults.injected).toBe(13);
    } finally {
      await faulty.stop();
    }
  });

  it('lets the SDK retries ride over a moderate fault rate', async () => {
    const flaky = await startLocalWorld(
      echoWorldOptions({ seed: false, faultRate: 0.3, faultSeed: 11, logger: quietLogger }),
    );
    try {
      const retrying = clients(flaky, 8);
      for (let index = 0; index < 10; index += 1) {
        const answer = await retrying.ecs.send(new DescribeClustersCommand({ clusters: ['default'] }));
        expect(answer.failures?.[0]?.reason).toBe('MISSING');
      }
      expect(flaky.faults.injected).toBeGreaterThan(0);
    } finally {
      await flaky.stop();
    }
  });
});
