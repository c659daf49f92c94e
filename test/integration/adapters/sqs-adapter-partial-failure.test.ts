// SqsQueue.receive() when setting one message aside fails: the valid messages of the same batch are
// still returned, and the failing one stays in flight (neither deleted nor dead-lettered). Run against
// two real queues, fauxqs and moto, behind the SQS fault proxy refusing DeleteMessage and the DLQ
// SendMessage with 500 InternalError.
import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsClients, createAwsClients } from '../../../deployer/adapters/aws/clients.ts';
import { SqsQueue } from '../../../deployer/adapters/aws/sqs-adapter.ts';
import type { QueueMessage } from '../../../deployer/domain/types.ts';
import { type SqsFaultProxy, startSqsFaultProxy } from '../../resilience/support/sqs-fault-proxy.ts';
import { createFifoWithDlq, ecrDeleteEvent } from '../../support/sqs-queues.ts';
import { SQS_SERVERS, type SqsServer } from '../../support/sqs-servers.ts';

const signal = new AbortController().signal;

for (const [name, start] of Object.entries(SQS_SERVERS)) {
  describe(`SqsQueue.receive over ${name} when setting a message aside fails`, () => {
    let server: SqsServer;
    let proxy: SqsFaultProxy;
    let direct: AwsClients;
    let viaProxy: AwsClients;

    beforeAll(async () => {
      server = await start();
      const endpointFor = (endpoint: string) =>
        createAwsClients({
          region: 'us-east-1',
          maxAttempts: 1,
          credentials: server.credentials,
          endpoints: { sqs: endpoint },
        });
      direct = endpointFor(server.endpoint);
      proxy = await startSqsFaultProxy(server.endpoint);
      viaProxy = endpointFor(proxy.endpoint);
    }, 90_000);

    afterAll(async () => {
      direct?.destroy();
      viaProxy?.destroy();
      await proxy?.stop();
      await server?.stop();
    });

    it('returns the valid messages, reports the failed hand-offs, and leaves those messages in flight', async () => {
      const { url, dlqUrl } = await createFifoWithDlq(direct.sqs, `partial-${name}`);
      // Only the hand-offs fail: DeleteMessage, and SendMessage to the dead-letter queue.
      proxy.refuse = ({ action, request }) =>
        action === 'DeleteMessage' || (action === 'SendMessage' && request.QueueUrl === dlqUrl);
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
      await raw(ecrDeleteEvent(), 'intake', 'ignored');
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
      expect(proxy.refused.map((call) => call.action).sort()).toEqual(['DeleteMessage', 'SendMessage']);

      // The valid messages are the consumer's to finish; the two set-aside ones are still in flight.
      proxy.refuse = undefined;
      for (const message of received) await queue.delete(message.receiptHandle, signal);
      expect(await queue.stats(signal)).toEqual({ visible: 0, inFlight: 2 });
      const inDlq = await direct.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: dlqUrl, WaitTimeSeconds: 0 }),
      );
      expect(inDlq.Messages ?? []).toEqual([]);
    });
  });
}
