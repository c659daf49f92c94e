// SqsQueue.receive() when setting one message aside fails: the valid messages of the same batch are
// still returned, and the failing one stays in flight (neither deleted nor dead-lettered). Run against
// two real queues, fauxqs and moto, behind a proxy that fails DeleteMessage and the DLQ SendMessage.
import { createServer, type Server } from 'node:http';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { startFauxqs } from 'fauxqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsClients, createAwsClients } from '../../../deployer/adapters/aws/clients.ts';
import { SqsQueue } from '../../../deployer/adapters/aws/sqs-adapter.ts';
import type { QueueMessage } from '../../../deployer/domain/types.ts';
import { close, listen, readBody } from '../../../local/http-util.ts';
import { startMoto } from '../../support/moto-server.ts';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const signal = new AbortController().signal;

/** Forwards SQS JSON calls to `upstream`, answering 500 to the ones `fail` picks. */
async function faultyProxy(upstream: string, fail: (target: string, body: string) => boolean) {
  const server: Server = createServer((request, response) => {
    void (async () => {
      const body = await readBody(request);
      const target = String(request.headers['x-amz-target'] ?? '');
      if (fail(target, body)) {
        response.writeHead(500, { 'content-type': 'application/x-amz-json-1.0' });
        response.end(
          JSON.stringify({ __type: 'com.amazonaws.sqs#InternalError', message: 'injected by the test' }),
        );
        return;
      }
      const headers: Record<string, string> = {};
      for (const [key, value] of Object.entries(request.headers))
        if (typeof value === 'string' && key !== 'host' && key !== 'content-length') headers[key] = value;
      const answer = await fetch(`${upstream}${request.url ?? '/'}`, {
        method: request.method,
        headers,
        body,
      });
      response.writeHead(answer.status, {
        'content-type': answer.headers.get('content-type') ?? 'application/json',
      });
      response.end(Buffer.from(await answer.arrayBuffer()));
    })();
  });
  const port = await listen(server, 0);
  return { endpoint: `http://127.0.0.1:${port}`, stop: () => close(server) };
}

const ecrDeleteEvent = JSON.stringify({
  version: '0',
  id: 'delete-event',
  'detail-type': 'ECR Image Action',
  source: 'aws.ecr',
  account: '123456789012',
  time: '2026-11-25T10:00:00Z',
  region: 'us-east-1',
  resources: [],
  detail: {
    'action-type': 'DELETE',
    result: 'SUCCESS',
    'repository-name': 'actors',
    'image-digest': `sha256:${'a'.repeat(64)}`,
    'image-tag': '1.0.0',
  },
});

async function createQueues(client: SQSClient, prefix: string): Promise<{ url: string; dlqUrl: string }> {
  const dlq = await client.send(
    new CreateQueueCommand({ QueueName: `${prefix}-dlq.fifo`, Attributes: { FifoQueue: 'true' } }),
  );
  const dlqArn = (
    await client.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }))
  ).Attributes?.QueueArn;
  const queue = await client.send(
    new CreateQueueCommand({
      QueueName: `${prefix}.fifo`,
      Attributes: {
        FifoQueue: 'true',
        VisibilityTimeout: '30',
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 5 }),
      },
    }),
  );
  return { url: queue.QueueUrl ?? '', dlqUrl: dlq.QueueUrl ?? '' };
}

const servers: Record<string, () => Promise<{ endpoint: string; stop(): Promise<void> }>> = {
  fauxqs: async () => {
    const server = await startFauxqs({ port: 0, host: '127.0.0.1', logger: false });
    return { endpoint: server.address, stop: () => server.stop() };
  },
  moto: async () => {
    const moto = await startMoto();
    return { endpoint: moto.endpoint, stop: () => moto.stop() };
  },
};

for (const [name, start] of Object.entries(servers)) {
  describe(`SqsQueue.receive over ${name} when setting a message aside fails`, () => {
    let server: { endpoint: string; stop(): Promise<void> };
    let proxy: Awaited<ReturnType<typeof faultyProxy>>;
    let direct: AwsClients;
    let viaProxy: AwsClients;
    let failing = true;

    beforeAll(async () => {
      server = await start();
      const endpointFor = (endpoint: string) =>
        createAwsClients({ region: 'us-east-1', maxAttempts: 1, credentials, endpoints: { sqs: endpoint } });
      direct = endpointFor(server.endpoint);
      // Only the hand-offs fail: DeleteMessage, and SendMessage to the dead-letter queue.
      proxy = await faultyProxy(
        server.endpoint,
        (target, body) =>
          failing &&
          (target === 'AmazonSQS.DeleteMessage' ||
            (target === 'AmazonSQS.SendMessage' && body.includes('-dlq.fifo'))),
      );
      viaProxy = endpointFor(proxy.endpoint);
    }, 90_000);

    afterAll(async () => {
      direct?.destroy();
      viaProxy?.destroy();
      await proxy?.stop();
      await server?.stop();
    });

    it('returns the valid messages, reports the failed hand-offs, and leaves those messages in flight', async () => {
      const { url, dlqUrl } = await createQueues(direct.sqs, `partial-${name}`);
      const raw = (body: string, group: string, id: string) =>
        direct.sqs.send(
          new SendMessageCommand({
            QueueUrl: url,
            MessageBody: body,
            MessageGroupId: group,
            MessageDeduplicationId: id,
          }),
        );
      const valid: QueueMessage[] = [
        { kind: 'reconcile', service: 'a', reason: 'partial' },
        { kind: 'reconcile', service: 'b', reason: 'partial' },
      ];
      await raw(JSON.stringify(valid[0]), 'service:a', 'valid-a');
      await raw(ecrDeleteEvent, 'intake', 'ignored');
      await raw('{"kind":"bogus"}', 'poison', 'poison');
      await raw(JSON.stringify(valid[1]), 'service:b', 'valid-b');

      const failures: { action: string; error: { retryable: boolean } }[] = [];
      const setAside: string[] = [];
      const queue = new SqsQueue({
        client: viaProxy.sqs,
        queueUrl: url,
        deadLetterQueueUrl: dlqUrl,
        onHandOffFailed: (failure) => failures.push(failure),
        onPoison: (poison) => setAside.push(`poison:${poison.messageId}`),
        onIgnored: (ignored) => setAside.push(`ignored:${ignored.messageId}`),
      });
      const received = [];
      for (let round = 0; round < 5 && received.length + failures.length < 4; round++)
        received.push(...(await queue.receive(10, 1, signal)));

      expect(
        received.map((m) => m.body).sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y))),
      ).toEqual(valid);
      expect(failures.map((f) => f.action).sort()).toEqual(['dead-letter', 'delete-ignored']);
      expect(failures.every((f) => f.error.retryable)).toBe(true);
      expect(setAside).toEqual([]);

      // The valid messages are the consumer's to finish; the two set-aside ones are still in flight.
      failing = false;
      for (const message of received) await queue.delete(message.receiptHandle, signal);
      expect(await queue.stats(signal)).toEqual({ visible: 0, inFlight: 2 });
      const inDlq = await direct.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: dlqUrl, WaitTimeSeconds: 0 }),
      );
      expect(inDlq.Messages ?? []).toEqual([]);
    });
  });
}
