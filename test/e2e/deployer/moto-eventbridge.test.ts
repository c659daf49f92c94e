// The whole deployer, in aws mode, against moto (the independent AWS emulator) instead of our stand-ins.
// The intake path is built from the SYNTHESIZED CDK template (queue attributes, rule pattern and target,
// repository settings), and the image push travels the way it does on AWS: ECR event -> EventBridge
// PutEvents -> rule -> SQS FIFO target. EventBridge sets only a MessageGroupId on a FIFO target, so the
// delivery needs content-based deduplication on the queue
// (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-targets.html, "Amazon SQS queues").
// moto starts no ECS deployment (test/contract/moto-limits.ts), so the test drives it through
// test/support/moto-ecs-deployments.ts once it has seen the deployer's UpdateService. Everything lives
// in an account of this file's own on the run's moto server (test/support/moto-accounts.ts): the rule,
// its SQS target and the EventBridge delivery stay in that account (moto delivers to the queue in the
// rule's account), and the driver passes the deployer's signature, so its account, on to moto.

import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ListInvalidationsCommand } from '@aws-sdk/client-cloudfront';
import { DescribeRepositoriesCommand } from '@aws-sdk/client-ecr';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeTaskDefinitionCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsClients, createAwsClients } from '../../../deployer/adapters/aws/clients.ts';
import { REVISION_TAG_KEYS } from '../../../deployer/domain/revision-tags.ts';
import { synthApp } from '../../../infra/test/synth-app.ts';
import { close, listen } from '../../../local/http-util.ts';
import { ConfigRepo } from '../../support/config-repo.ts';
import { type DeployerProcess, spawnDeployer } from '../../support/deployer-process.ts';
import { type MotoAccount, motoAccount } from '../../support/moto-accounts.ts';
import { type EcsDeploymentDriver, startEcsDeploymentDriver } from '../../support/moto-ecs-deployments.ts';
import {
  createIntakeFromTemplate,
  ecrPushEntry,
  eventsCall,
  type IntakeFromTemplate,
  type TemplateJson,
} from '../../support/moto-from-template.ts';
import { createMotoDistribution, putMotoImage } from '../../support/moto-resources.ts';

const SECRET = 'moto-e2e-webhook-secret-0123456789';
const TOKEN = 'moto-e2e-status-token-0123456789';
const REPOSITORY = 'actors';

describe('deployer e2e against moto: ECR push through EventBridge', { timeout: 60_000 }, () => {
  let moto: MotoAccount;
  let template: TemplateJson;
  let clients: AwsClients;
  let intake: IntakeFromTemplate;
  let driver: EcsDeploymentDriver;
  let deployer: DeployerProcess;
  let repo: ConfigRepo;
  let cacheDir: string;
  let verifyServer: Server;
  let repositoryUri: string;
  let distributionId: string;
  /** What the service answers on /version: the digest its completed PRIMARY deployment runs. */
  let served = '';
  let firstDigest = '';

  beforeAll(async () => {
    const starting = motoAccount();
    template = synthApp({}, { policyChecks: 'none' }).template.toJSON() as TemplateJson;
    moto = await starting;
    clients = createAwsClients({
      maxAttempts: 2,
      credentials: moto.credentials,
      endpoints: { ecs: moto.endpoint, ecr: moto.endpoint, sqs: moto.endpoint, cloudfront: moto.endpoint },
    });
    intake = await createIntakeFromTemplate({
      template,
      sqs: clients.sqs,
      ecr: clients.ecr,
      eventsEndpoint: moto.endpoint,
      accessKeyId: moto.credentials.accessKeyId,
    });
    expect(intake.repositories).toContain(REPOSITORY);
    repositoryUri =
      (await clients.ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [REPOSITORY] })))
        .repositories?.[0]?.repositoryUri ?? '';
    firstDigest = await putMotoImage(clients.ecr, REPOSITORY, '1.0.0');
    served = firstDigest;
    distributionId = await createMotoDistribution(await clients.cloudfront.get());

    // The service as CDK would leave it: revision 1 of `actors` running 1.0.0, pinned by digest.
    const network = await moto.defaultNetwork();
    await clients.ecs.send(new CreateClusterCommand({ clusterName: 'gitops' }));
    const registered = await clients.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'actors',
        cpu: '256',
        memory: '512',
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
        containerDefinitions: [
          {
            name: 'actors',
            image: `${repositoryUri}@${firstDigest}`,
            essential: true,
            portMappings: [{ containerPort: 8080 }],
          },
        ],
      }),
    );
    await clients.ecs.send(
      new CreateServiceCommand({
        cluster: 'gitops',
        serviceName: 'actors',
        taskDefinition: registered.taskDefinition?.taskDefinitionArn,
        desiredCount: 1,
        launchType: 'FARGATE',
        networkConfiguration: {
          awsvpcConfiguration: { subnets: [network.subnetId], securityGroups: [network.securityGroupId] },
        },
        deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
      }),
    );

    verifyServer = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ digest: served, version: 'moto' }));
    });
    const verifyPort = await listen(verifyServer, 0);
    driver = await startEcsDeploymentDriver(moto.endpoint);

    repo = await ConfigRepo.create();
    cacheDir = await mkdtemp(path.join(tmpdir(), 'ecs-gitops-moto-e2e-'));
    await repo.commit(
      {
        'config/services/actors.yaml': [
          'name: actors',
          'cluster: gitops',
          'service: actors',
          'container: actors',
          'image:',
          `  repository: ${REPOSITORY}`,
          '  track:',
          '    semver: "^1.0.0"',
          'verify:',
          `  url: http://127.0.0.1:${verifyPort}/version`,
          '  expectVersion: true',
          '  successes: 2',
          '  intervalSeconds: 0.1',
          '  timeoutSeconds: 30',
          'cdn:',
          `  distributionId: ${distributionId}`,
          '  paths: ["/*"]',
          'rollout:',
          '  timeoutSeconds: 60',
          '  rollback: true',
          '',
        ].join('\n'),
      },
      'actors on moto',
    );
    deployer = await spawnDeployer({
      env: {
        ...moto.env(),
        AWS_ENDPOINT_URL_ECS: driver.endpoint,
        DEPLOYER_MODE: 'aws',
        QUEUE_URL: intake.queueUrl,
        DLQ_URL: intake.dlqUrl,
        CONFIG_REPOSITORY: repo.dir,
        CONFIG_BRANCH: 'main',
        CONFIG_CACHE_DIR: cacheDir,
        GITHUB_WEBHOOK_SECRET: SECRET,
        STATUS_TOKEN: TOKEN,
        WAIT_POLL_MS: '50',
        HEARTBEAT_SECONDS: '5',
        // The "service" the verify step probes is this test's server on loopback.
        VERIFY_ALLOW_PRIVATE_NETWORKS: 'true',
        // Only the EventBridge delivery may start the rollout: no periodic resync during the test.
        RESYNC_INTERVAL_SECONDS: '3600',
      },
      startTimeoutMs: 60_000,
    });
  }, 240_000);

  afterAll(async () => {
    await deployer?.shutdown();
    await driver?.stop();
    if (verifyServer) await close(verifyServer);
    clients?.destroy();
    await moto?.stop();
    await repo?.remove();
    if (cacheDir) await rm(cacheDir, { recursive: true, force: true });
  });

  it('the intake queue is built from the template: FIFO with content-based deduplication', () => {
    expect(intake.queueAttributes).toMatchObject({ FifoQueue: 'true', ContentBasedDeduplication: 'true' });
  });

  it('starts Synced on the 1.0.0 digest the service runs', async () => {
    await deployer.waitFor('actors Synced on 1.0.0', (status) =>
      status.services.find(
        (s) => s.name === 'actors' && s.sync.state === 'Synced' && s.live?.digest === firstDigest,
      ),
    );
  });

  it('a push of 1.1.0 sent through EventBridge is registered digest-pinned, deployed, verified, invalidated and recorded', async () => {
    const digest = await putMotoImage(clients.ecr, REPOSITORY, '1.1.0');
    const put = await eventsCall(
      moto.endpoint,
      'PutEvents',
      { Entries: [ecrPushEntry(REPOSITORY, digest, '1.1.0')] },
      moto.credentials.accessKeyId,
    );
    expect(put.FailedEntryCount).toBe(0);

    const update = await until('the deployer calls UpdateService', () => driver.updates.at(-1), 45_000);
    const described = await clients.ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: update.taskDefinition, include: ['TAGS'] }),
    );
    const container = described.taskDefinition?.containerDefinitions?.find((c) => c.name === 'actors');
    expect(container?.image).toBe(`${repositoryUri}@${digest}`);
    const tags = Object.fromEntries((described.tags ?? []).map((tag) => [tag.key, tag.value]));
    expect(tags[REVISION_TAG_KEYS.digest]).toBe(digest);
    expect(tags[REVISION_TAG_KEYS.service]).toBe('actors');
    expect(tags[REVISION_TAG_KEYS.rolloutId]).toMatch(/\S/);

    // ECS (driven by the test) brings the new tasks up; they answer with the new digest.
    served = digest;
    driver.complete('actors');
    const actors = await deployer.waitFor('actors Synced on 1.1.0', (status) =>
      status.services.find(
        (s) =>
          s.name === 'actors' &&
          s.sync.state === 'Synced' &&
          s.live?.digest === digest &&
          s.recentRollouts[0]?.result === 'Succeeded',
      ),
    );
    const rolloutId = actors.recentRollouts[0]?.id;
    expect(rolloutId).toBe(tags[REVISION_TAG_KEYS.rolloutId]);

    const invalidations = await (await clients.cloudfront.get()).send(
      new ListInvalidationsCommand({ DistributionId: distributionId }),
    );
    expect(invalidations.InvalidationList?.Quantity).toBe(1);
    const recorded = await until('the revision records success', async () => {
      const again = await clients.ecs.send(
        new DescribeTaskDefinitionCommand({ taskDefinition: update.taskDefinition, include: ['TAGS'] }),
      );
      const now = Object.fromEntries((again.tags ?? []).map((tag) => [tag.key, tag.value]));
      return now[REVISION_TAG_KEYS.result] === 'Succeeded' ? now : undefined;
    });
    expect(recorded[REVISION_TAG_KEYS.finishedAt]).toMatch(/\S/);
    expect(driver.updates).toHaveLength(1);
    // The push reached the deployer as an ECR message. Waited on, not read once: the rollout can be
    // under way before the consumer has taken the message (a reconcile of actors that another message
    // started also sees 1.1.0 in ECR), and with several test files at once that gap has exceeded the
    // time the assertions above take.
    await until('the deployer received the ECR event', async () =>
      (await deployer.eventCount('ecr')) >= 1 ? true : undefined,
    );
  });

  // The rule in the template is only half of the path: without content-based deduplication on the FIFO
  // queue, SQS refuses EventBridge's delivery (no MessageDeduplicationId) and the push never arrives.
  it('with content-based deduplication off, SQS drops the EventBridge delivery (moto, like AWS)', async () => {
    const off = await createIntakeFromTemplate({
      template,
      sqs: clients.sqs,
      ecr: clients.ecr,
      eventsEndpoint: moto.endpoint,
      accessKeyId: moto.credentials.accessKeyId,
      prefix: 'dedup-off-',
      queueOverrides: { ContentBasedDeduplication: 'false' },
    });
    const on = await createIntakeFromTemplate({
      template,
      sqs: clients.sqs,
      ecr: clients.ecr,
      eventsEndpoint: moto.endpoint,
      accessKeyId: moto.credentials.accessKeyId,
      prefix: 'dedup-on-',
      queueOverrides: { ContentBasedDeduplication: 'true' },
    });
    const digest = `sha256:${'d'.repeat(64)}`;
    await eventsCall(
      moto.endpoint,
      'PutEvents',
      { Entries: [ecrPushEntry(REPOSITORY, digest, '9.9.9')] },
      moto.credentials.accessKeyId,
    );
    const receive = (url: string) =>
      clients.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
    const delivered = (await receive(on.queueUrl)).Messages ?? [];
    expect(delivered.map((m) => JSON.parse(m.Body ?? '{}').detail?.['image-digest'])).toEqual([digest]);
    expect((await receive(off.queueUrl)).Messages ?? []).toEqual([]);
  });
});

async function until<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
