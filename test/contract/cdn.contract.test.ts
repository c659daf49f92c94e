// CdnPort contract: what CloudFront guarantees about invalidations, in all three worlds.
// API: https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CreateInvalidation.html
import { pino } from 'pino';
import { expect, it } from 'vitest';
import { type AwsClients, createAwsClients } from '../../deployer/adapters/aws/clients.ts';
import { CloudFrontAdapter } from '../../deployer/adapters/aws/cloudfront-adapter.ts';
import { DeployerError } from '../../deployer/domain/errors.ts';
import type { CdnPort } from '../../deployer/ports.ts';
import { InvalidationStore } from '../../local/cloudfront/invalidations.ts';
import { createCloudFrontServer } from '../../local/cloudfront/server.ts';
import { close, listen } from '../../local/http-util.ts';
import { FakeCdn } from '../support/fakes/index.ts';
import { motoAccount } from '../support/moto-accounts.ts';
import { createMotoDistribution } from '../support/moto-resources.ts';
import { contract, eventually, type Subject, signal, unlessMotoLimit } from './worlds.ts';

interface CdnSubject extends Subject {
  cdn: CdnPort;
  /** A distribution that exists in this world. */
  distributionId: string;
}

const credentials = { accessKeyId: 'contract', secretAccessKey: 'contract' };

async function adapterAt(
  endpoint: string,
  keys: { accessKeyId: string; secretAccessKey: string } = credentials,
): Promise<{ cdn: CloudFrontAdapter; clients: AwsClients }> {
  const clients = createAwsClients({
    maxAttempts: 1,
    credentials: keys,
    endpoints: { cloudfront: endpoint },
  });
  return { cdn: new CloudFrontAdapter(await clients.cloudfront.get()), clients };
}

/** Starts the CloudFront stand-in alone; `completionMs` is how long an invalidation stays InProgress. */
export async function startCloudFrontStandIn(completionMs: number, distributions: string[]) {
  const server = createCloudFrontServer({
    store: new InvalidationStore(completionMs, distributions),
    logger: pino({ level: 'silent' }),
  });
  const port = await listen(server, 0);
  return { endpoint: `http://127.0.0.1:${port}`, stop: () => close(server) };
}

contract<CdnSubject>(
  'CdnPort',
  {
    fake: async () => ({
      cdn: new FakeCdn({ distributions: ['E2CONTRACT'] }),
      distributionId: 'E2CONTRACT',
      stop: async () => {},
    }),
    standin: async () => {
      const standIn = await startCloudFrontStandIn(300, ['E2CONTRACT']);
      const { cdn, clients } = await adapterAt(standIn.endpoint);
      return {
        cdn,
        distributionId: 'E2CONTRACT',
        stop: async () => {
          clients.destroy();
          await standIn.stop();
        },
      };
    },
    moto: async () => {
      const moto = await motoAccount();
      const { cdn, clients } = await adapterAt(moto.endpoint, moto.credentials);
      const distributionId = await createMotoDistribution(await clients.cloudfront.get());
      return {
        cdn,
        distributionId,
        stop: async () => {
          clients.destroy();
          await moto.stop();
        },
      };
    },
  },
  (subject, world) => {
    // "CloudFront returns an invalidation ID and status InProgress; GetInvalidation reports Completed
    // when done" (API_CreateInvalidation.html, API_Invalidation.html: Status InProgress | Completed).
    it('createInvalidation answers an id, and getInvalidation of that id eventually reports Completed', async () => {
      const { cdn, distributionId } = subject();
      const created = await cdn.createInvalidation(distributionId, ['/*'], `ref-complete-${world}`, signal);
      expect(created.id).toMatch(/\S/);
      expect(['InProgress', 'Completed']).toContain(created.status);
      // moto answers `COMPLETED` (MOTO_TOLERATED_DIFFERENCES): the adapter must still read Completed.
      const done = await eventually(
        'invalidation completed',
        () => cdn.getInvalidation(distributionId, created.id, signal),
        (status) => status.status === 'Completed',
      );
      expect(done).toEqual({ id: created.id, status: 'Completed' });
    });

    // "If you make a second invalidation request with the same value for CallerReference, and if the rest
    // of the request is the same, CloudFront doesn't create a new invalidation request [...] If [...] the
    // content of any Path is different [...] CloudFront returns an InvalidationBatchAlreadyExists error"
    // (https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_InvalidationBatch.html).
    unlessMotoLimit(world, 'cloudfront-no-caller-reference-idempotency')(
      'a repeated CallerReference returns the earlier invalidation, with the same or other paths',
      async () => {
        const { cdn, distributionId } = subject();
        const first = await cdn.createInvalidation(distributionId, ['/*'], `ref-repeat-${world}`, signal);
        const same = await cdn.createInvalidation(distributionId, ['/*'], `ref-repeat-${world}`, signal);
        const otherPaths = await cdn.createInvalidation(
          distributionId,
          ['/index.html'],
          `ref-repeat-${world}`,
          signal,
        );
        expect(same.id).toBe(first.id);
        expect(otherPaths.id).toBe(first.id);
      },
    );

    it('different CallerReferences create different invalidations', async () => {
      const { cdn, distributionId } = subject();
      const a = await cdn.createInvalidation(distributionId, ['/*'], `ref-a-${world}`, signal);
      const b = await cdn.createInvalidation(distributionId, ['/*'], `ref-b-${world}`, signal);
      expect(a.id).not.toBe(b.id);
    });

    // NoSuchDistribution (404): "The specified distribution does not exist" (API_CreateInvalidation.html,
    // Errors). A wrong distribution id is a configuration mistake: retrying cannot fix it.
    it('an unknown distribution fails with a terminal error', async () => {
      const error = await subject()
        .cdn.createInvalidation('E0NOSUCHDIST', ['/*'], `ref-missing-${world}`, signal)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DeployerError);
      expect((error as DeployerError).retryable).toBe(false);
    });
  },
);
