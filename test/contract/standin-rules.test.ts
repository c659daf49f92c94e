// AWS rules our stand-ins enforce so that code which would fail on AWS fails locally first. Where moto
// implements the rule, the same test runs against moto as the referee; the rest (fault shapes, limits
// moto does not model) run against the stand-in alone, each citing the AWS documentation.
import { createHash } from 'node:crypto';
import { BatchGetImageCommand } from '@aws-sdk/client-ecr';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../deployer/adapters/aws/clients.ts';
import { CloudFrontAdapter } from '../../deployer/adapters/aws/cloudfront-adapter.ts';
import { EcsAdapter } from '../../deployer/adapters/aws/ecs-adapter.ts';
import { DeployerError } from '../../deployer/domain/errors.ts';
import { InvalidationStore } from '../../local/cloudfront/invalidations.ts';
import { createCloudFrontServer } from '../../local/cloudfront/server.ts';
import { LocalRegistry } from '../../local/ecr/registry.ts';
import { createEcrServer } from '../../local/ecr/server.ts';
import { DEFAULT_SCHEDULER_TIMING, ServiceScheduler } from '../../local/ecs/scheduler.ts';
import { createEcsServer } from '../../local/ecs/server.ts';
import { TaskDefinitionStore } from '../../local/ecs/task-definitions.ts';
import type { Fault, FaultInjector } from '../../local/faults.ts';
import { close, listen } from '../../local/http-util.ts';
import { awsJsonCall } from '../support/aws-json-call.ts';
import { motoAccount } from '../support/moto-accounts.ts';
import { selectedWorlds, signal } from './worlds.ts';

const credentials = { accessKeyId: 'contract', secretAccessKey: 'contract' };
const worlds = selectedWorlds().filter((world) => world !== 'fake');

/** A fault injector that answers every call with `fault` while `on`, counting the calls it saw. */
function alwaysFault(fault: Fault | null): FaultInjector & { calls: number; on: boolean } {
  return {
    calls: 0,
    on: true,
    injected: 0,
    next() {
      this.calls += 1;
      return this.on ? fault : null;
    },
  };
}

/** The ECS stand-in alone (no tasks run), answering through `faults`. */
async function startEcsStandIn(faults: FaultInjector) {
  const taskDefinitions = new TaskDefinitionStore();
  const logger = pino({ level: 'silent' });
  const scheduler = new ServiceScheduler({
    timing: DEFAULT_SCHEDULER_TIMING,
    logger,
    taskDefinition: (arn) => taskDefinitions.find(arn),
    resolveImage: () => {
      throw new Error('this stand-in runs no tasks');
    },
  });
  const server = createEcsServer({
    state: { clusters: new Map(), services: [], taskDefinitions, tags: new Map(), scheduler },
    faults,
    logger,
  });
  const port = await listen(server, 0);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: async () => {
      await scheduler.stop();
      await close(server);
    },
  };
}

/** One AWS JSON 1.1 call without the SDK, so fields the SDK would drop reach the server as sent. */
const ecsCall = (server: EcsEndpoint, operation: string, input: unknown) =>
  awsJsonCall(
    server.endpoint,
    {
      targetPrefix: 'AmazonEC2ContainerServiceV20141113',
      signingName: 'ecs',
      accessKeyId: server.accessKeyId,
    },
    operation,
    input,
  );

interface EcsEndpoint {
  endpoint: string;
  /** moto: the access key of this file's own account (test/support/moto-accounts.ts). */
  accessKeyId: string;
  stop(): Promise<void>;
}

const ecsEndpoints: Record<string, () => Promise<EcsEndpoint>> = {
  standin: async () => {
    return { ...(await startEcsStandIn(alwaysFault(null))), accessKeyId: credentials.accessKeyId };
  },
  moto: async () => {
    const moto = await motoAccount();
    return { endpoint: moto.endpoint, accessKeyId: moto.credentials.accessKeyId, stop: () => moto.stop() };
  },
};

for (const world of worlds) {
  describe(`ECS RegisterTaskDefinition rules on ${world}`, () => {
    let server: EcsEndpoint;
    beforeAll(async () => {
      server = await ecsEndpoints[world]!();
    }, 90_000);
    afterAll(() => server?.stop());

    // The read-only fields of a described revision are not RegisterTaskDefinition request parameters
    // (API_RegisterTaskDefinition.html): ECS sets taskDefinitionArn, revision, status and the rest itself
    // and never echoes what a caller sent in their place.
    it('fields that are not request parameters are ignored, never stored or echoed back', async () => {
      const registered = await ecsCall(server, 'RegisterTaskDefinition', {
        family: 'readonly-fields',
        containerDefinitions: [{ name: 'app', image: 'actors:1.0.0', memory: 512 }],
        taskDefinitionArn: 'arn:aws:ecs:us-east-1:000000000000:task-definition/forged:42',
        revision: 42,
        status: 'INACTIVE',
        requiresAttributes: [{ name: 'com.example.forged' }],
        deregisteredAt: 1_700_000_000,
        notAParameter: true,
      });
      const described = (
        await ecsCall(server, 'DescribeTaskDefinition', { taskDefinition: 'readonly-fields' })
      ).taskDefinition as Record<string, unknown>;
      for (const taskDefinition of [registered.taskDefinition as Record<string, unknown>, described]) {
        expect(taskDefinition.taskDefinitionArn).toMatch(/task-definition\/readonly-fields:1$/);
        expect(taskDefinition.revision).toBe(1);
        expect(taskDefinition.status).toBe('ACTIVE');
        expect(taskDefinition).not.toHaveProperty('notAParameter');
        expect(taskDefinition).not.toHaveProperty('deregisteredAt');
        expect(JSON.stringify(taskDefinition.requiresAttributes ?? [])).not.toContain('forged');
      }
    });
  });
}

describe.runIf(worlds.includes('standin'))('throttling and limit shapes of the stand-ins', () => {
  // "imageDigest: The sha256 digest of the image manifest" (API_ImageIdentifier.html). moto derives it
  // from the layers instead (MOTO_TOLERATED_DIFFERENCES), so this runs on the stand-in alone.
  it('an ECR image digest is the SHA-256 of the manifest BatchGetImage returns', async () => {
    const registry = new LocalRegistry();
    registry.createRepository('digests');
    const pushed = registry.push('digests', '1.0.0');
    const server = createEcrServer({
      registry,
      push: async (repository, tag, options) => registry.push(repository, tag, options),
      logger: pino({ level: 'silent' }),
    });
    const port = await listen(server, 0);
    const clients = createAwsClients({
      maxAttempts: 1,
      credentials,
      endpoints: { ecr: `http://127.0.0.1:${port}` },
    });
    try {
      const output = await clients.ecr.send(
        new BatchGetImageCommand({ repositoryName: 'digests', imageIds: [{ imageTag: '1.0.0' }] }),
      );
      const image = output.images?.[0];
      expect(image?.imageId?.imageDigest).toBe(pushed.digest);
      expect(
        `sha256:${createHash('sha256')
          .update(image?.imageManifest ?? '')
          .digest('hex')}`,
      ).toBe(pushed.digest);
    } finally {
      clients.destroy();
      await close(server);
    }
  });

  // ECS answers throttling as HTTP 400 `ThrottlingException` ("Rate exceeded"), which the SDK's standard
  // retry strategy recognises and retries (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/CommonErrors.html).
  it('ECS ThrottlingException is retried by the SDK and then surfaces as retryable AWS_THROTTLED', async () => {
    const faults = alwaysFault({ kind: 'throttle' });
    const standIn = await startEcsStandIn(faults);
    const clients = createAwsClients({ maxAttempts: 3, credentials, endpoints: { ecs: standIn.endpoint } });
    try {
      const error = await new EcsAdapter(clients.ecs)
        .describeService('c', 's', signal)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DeployerError);
      expect((error as DeployerError).code).toBe('AWS_THROTTLED');
      expect((error as DeployerError).details.awsError).toBe('ThrottlingException');
      expect(faults.calls).toBe(3);
    } finally {
      clients.destroy();
      await standIn.stop();
    }
  });

  // CloudFront answers throttling as HTTP 400 with error code `Throttling` in its REST-XML error body
  // (https://docs.aws.amazon.com/cloudfront/latest/APIReference/CommonErrors.html).
  it('CloudFront Throttling is retried by the SDK and then surfaces as retryable AWS_THROTTLED', async () => {
    const faults = alwaysFault({ kind: 'throttle' });
    const server = createCloudFrontServer({
      store: new InvalidationStore(100, ['E2RULES']),
      faults,
      logger: pino({ level: 'silent' }),
    });
    const port = await listen(server, 0);
    const clients = createAwsClients({
      maxAttempts: 3,
      credentials,
      endpoints: { cloudfront: `http://127.0.0.1:${port}` },
    });
    try {
      const error = await new CloudFrontAdapter(await clients.cloudfront.get())
        .createInvalidation('E2RULES', ['/*'], 'throttled', signal)
        .catch((e: unknown) => e);
      expect((error as DeployerError).code).toBe('AWS_THROTTLED');
      expect((error as DeployerError).details.awsError).toBe('Throttling');
      expect(faults.calls).toBe(3);
    } finally {
      clients.destroy();
      await close(server);
    }
  });

  // "you can have requests for up to 15 invalidation paths [with the * wildcard] in progress at one time"
  // (DeveloperGuide/cloudfront-limits.html#limits-invalidations); the 16th is TooManyInvalidationsInProgress,
  // which is worth retrying once some complete.
  it('a 16th wildcard invalidation in progress is TooManyInvalidationsInProgress, retryable AWS_THROTTLED', async () => {
    const server = createCloudFrontServer({
      store: new InvalidationStore(600_000, ['E2RULES']),
      logger: pino({ level: 'silent' }),
    });
    const port = await listen(server, 0);
    const clients = createAwsClients({
      maxAttempts: 1,
      credentials,
      endpoints: { cloudfront: `http://127.0.0.1:${port}` },
    });
    const cdn = new CloudFrontAdapter(await clients.cloudfront.get());
    try {
      for (let i = 0; i < 15; i++) await cdn.createInvalidation('E2RULES', ['/*'], `wildcard-${i}`, signal);
      const error = await cdn
        .createInvalidation('E2RULES', ['/*'], 'wildcard-15', signal)
        .catch((e: unknown) => e);
      expect((error as DeployerError).code).toBe('AWS_THROTTLED');
      expect((error as DeployerError).retryable).toBe(true);
      expect((error as DeployerError).details.awsError).toBe('TooManyInvalidationsInProgress');
      // A repeat of an accepted batch is still answered: idempotency comes before the limit.
      expect((await cdn.createInvalidation('E2RULES', ['/*'], 'wildcard-3', signal)).status).toBe(
        'InProgress',
      );
    } finally {
      clients.destroy();
      await close(server);
    }
  });
});
