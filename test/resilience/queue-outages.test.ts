// SQS outages, over the local world (ECS, ECR, CloudFront, SQS, SSM stand-ins), a real git repository
// and the deployer as main.ts builds it, its SQS calls going through a proxy that can refuse them:
// - the queue refuses sends while a git push is taken in: once it is back, the reconcile of the new
//   config still happens (a redelivered push redoes the fan-out, it is not "already handled");
// - the dead-letter queue refuses a poison message: the valid messages of the same batch are done,
//   the poison one stays on the source queue and is set aside again until the DLQ takes it.
import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsClients, createAwsClients } from '../../deployer/adapters/aws/clients.ts';
import type { DeployerRuntime } from '../../deployer/runtime/runtime.ts';
import type { LocalWorld } from '../../local/world.ts';
import { ConfigRepo } from '../support/config-repo.ts';
import { worldActorsYaml } from '../support/local-actors.ts';
import { startWorldForRuntimes, type WorldForRuntimes } from '../support/runtime-on-world.ts';
import { type SqsFaultProxy, sentKind, startSqsFaultProxy } from './support/sqs-fault-proxy.ts';

const CAP = { timeout: 45_000, interval: 50 };
let world: LocalWorld;
let deployers: WorldForRuntimes;
let repo: ConfigRepo;
let proxy: SqsFaultProxy;
let direct: AwsClients;
let runtime: DeployerRuntime;

const actorsYaml = (suspended: boolean, pin?: string) =>
  worldActorsYaml(world, {
    verify: { successes: 1, intervalSeconds: 0.1, timeoutSeconds: 20 },
    suspended,
    ...(pin ? { pin } : {}),
  });

beforeAll(async () => {
  repo = await ConfigRepo.create();
  deployers = await startWorldForRuntimes({
    name: 'queue-outages',
    config: { repository: repo.dir },
    // A message not deleted comes back within seconds; the redrive policy stays out of the way.
    visibilityTimeoutSeconds: 2,
    maxReceiveCount: 100,
  });
  world = deployers.world;
  proxy = await startSqsFaultProxy(world.endpoints.sqs);
  direct = createAwsClients({
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    endpoints: world.endpoints,
  });
  await repo.commit({ 'config/services/actors.yaml': actorsYaml(false) }, 'actors');
  // Production adapters, only SQS goes through the proxy.
  ({ runtime } = await deployers.startDeployer({
    env: { WAIT_POLL_MS: '100' },
    tuning: { receiveWaitSeconds: 1, backoffSeconds: () => 1, heartbeatSeconds: 0.5 },
    sqsEndpoint: proxy.endpoint,
  }));
}, 90_000);

afterAll(async () => {
  if (proxy) proxy.refuse = undefined;
  await deployers?.stop();
  direct?.destroy();
  await proxy?.stop();
  await repo?.remove();
});

/** Messages on a queue, visible or in flight (SQS counts are approximate; the local one is exact). */
async function depth(queueUrl: string): Promise<number> {
  const { Attributes = {} } = await direct.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible)
  );
}

describe('SQS outages', () => {
  it('a push taken in while the queue refuses sends still reconciles the new config once it is back', async () => {
    const reconcileSend = (call: Parameters<NonNullable<SqsFaultProxy['refuse']>>[0]) =>
      sentKind(call) === 'reconcile';
    await expect.poll(() => runtime.serviceStatus('actors')?.sync.state, CAP).toBe('Synced');
    // No reconcile left over from the start that could do the work the push must do.
    await expect.poll(() => depth(world.queueUrl), CAP).toBe(0);
    proxy.refuse = reconcileSend;
    // The new config pins an image that is in ECR (pushed without an event): the intake's bulk compare
    // finds the service differs, so its reconcile must be queued.
    const { digest } = world.registry.push('actors', '1.1.0');
    const pin = await repo.commit(
      { 'config/services/actors.yaml': actorsYaml(false, '1.1.0') },
      'pin actors 1.1.0',
    );
    await runtime.enqueue(
      { kind: 'git-push', deliveryId: 'outage-push', after: pin },
      AbortSignal.timeout(10_000),
    );

    // The intake applied the config and could not queue its reconcile (every SDK attempt refused), so
    // the push came back: its second delivery proves the first attempt gave up.
    const deliveries = () => proxy.receiveAnswers.filter((answer) => answer.includes('outage-push')).length;
    await proxy.until(() => deliveries() >= 2);
    expect(proxy.refused.filter(reconcileSend).length).toBeGreaterThan(0);
    expect(runtime.status().config.revision).toBe(pin);
    // Meanwhile the service is not shown Synced on the old config, nor as if the new one were in effect.
    expect(runtime.serviceStatus('actors')?.sync).toMatchObject({
      state: 'OutOfSync',
      reason: 'ConfigChanged',
    });

    proxy.refuse = undefined;
    await expect.poll(() => runtime.serviceStatus('actors')?.live?.digest, CAP).toBe(digest);
    await expect.poll(() => runtime.serviceStatus('actors')?.sync.state, CAP).toBe('Synced');
  }, 120_000);

  it('a poison message the DLQ refuses stays queued and is retried; valid messages of its batch are done', async () => {
    const dlqSend = (call: Parameters<NonNullable<SqsFaultProxy['refuse']>>[0]) =>
      call.action === 'SendMessage' && call.request.QueueUrl === world.dlqUrl;
    proxy.refuse = dlqSend;
    const resume = await repo.commit(
      { 'config/services/actors.yaml': actorsYaml(false) },
      'track actors again',
    );
    // Both arrive while the consumer's receive is held, so they come back in one batch.
    await proxy.holdReceives();
    const answersBefore = proxy.receiveAnswers.length;
    const send = (body: string, group: string, id: string) =>
      direct.sqs.send(
        new SendMessageCommand({
          QueueUrl: world.queueUrl,
          MessageBody: body,
          MessageGroupId: group,
          MessageDeduplicationId: id,
        }),
      );
    const poison = '{"kind":"bogus","note":"dlq-outage"}';
    await send(poison, 'poison', 'dlq-outage-poison');
    await send(
      JSON.stringify({ kind: 'git-push', deliveryId: 'dlq-outage-push', after: resume }),
      'intake',
      'dlq-outage-push',
    );
    proxy.releaseReceives();

    // The valid push is done: its config is in force and the service Synced on it.
    await expect.poll(() => runtime.status().config.revision, CAP).toBe(resume);
    await expect.poll(() => runtime.serviceStatus('actors')?.sync.state, CAP).toBe('Synced');
    const batch = proxy.receiveAnswers.slice(answersBefore).find((answer) => answer.includes('dlq-outage'));
    expect(batch, 'the poison message and the push came back in one receive').toContain('dlq-outage-push');

    // The poison message is retried: received again after its visibility timeout, refused again by
    // the DLQ, and never deleted meanwhile.
    const poisonReceives = () => proxy.receiveAnswers.filter((answer) => answer.includes('bogus')).length;
    await proxy.until(() => poisonReceives() >= 2);
    expect(proxy.refused.filter(dlqSend).length).toBeGreaterThanOrEqual(2);
    expect(await depth(world.dlqUrl)).toBe(0);
    expect(await depth(world.queueUrl)).toBeGreaterThanOrEqual(1);

    // The DLQ is back: the poison message moves there and leaves the source queue.
    proxy.refuse = undefined;
    await expect.poll(() => depth(world.dlqUrl), CAP).toBe(1);
    const { Messages = [] } = await direct.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: world.dlqUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    expect(Messages.map((message) => message.Body)).toEqual([poison]);
    await expect.poll(() => depth(world.queueUrl), CAP).toBe(0);
  }, 120_000);
});
