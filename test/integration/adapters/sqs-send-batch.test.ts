// SqsQueue.sendBatch() when SQS accepts only part of a batch. SendMessageBatch reports each entry:
// "check for batch errors even when the call returns an HTTP status code of 200"
// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessageBatch.html).
// Run against two real queues, fauxqs and moto, behind the SQS fault proxy holding back chosen entries
// of a SendMessageBatch and answering them as `Failed` (BatchResultErrorEntry: Id, SenderFault, Code,
// Message).
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsClients, createAwsClients } from '../../../deployer/adapters/aws/clients.ts';
import { SqsQueue } from '../../../deployer/adapters/aws/sqs-adapter.ts';
import type { QueueMessage } from '../../../deployer/domain/types.ts';
import { type SqsFaultProxy, startSqsFaultProxy } from '../../resilience/support/sqs-fault-proxy.ts';
import { SQS_SERVERS, type SqsServer } from '../../support/sqs-servers.ts';

const signal = new AbortController().signal;

const reconcile = (service: string): QueueMessage => ({ kind: 'reconcile', service, reason: 'batch test' });

for (const [name, start] of Object.entries(SQS_SERVERS)) {
  describe(`SqsQueue.sendBatch over ${name} when SQS fails some entries`, () => {
    let server: SqsServer;
    let proxy: SqsFaultProxy;
    let clients: AwsClients;
    let queues = 0;

    /** The entries of `groups` fail in the next `times` SendMessageBatch calls (by SQS, or as the sender's fault). */
    const failGroups = (groups: string[], senderFault: boolean, times: number) => {
      let left = times;
      proxy.failBatch = (entries) => {
        if (left === 0) return undefined;
        left -= 1;
        return {
          senderFault,
          entries: entries.filter((entry) => groups.includes(entry.MessageGroupId ?? '')),
        };
      };
    };
    const batchCalls = () => proxy.calls.filter((call) => call.action === 'SendMessageBatch').length;

    beforeAll(async () => {
      server = await start();
      proxy = await startSqsFaultProxy(server.endpoint);
      clients = createAwsClients({
        region: 'us-east-1',
        maxAttempts: 1,
        credentials: server.credentials,
        endpoints: { sqs: proxy.endpoint },
      });
    }, 90_000);

    afterAll(async () => {
      clients?.destroy();
      await proxy?.stop();
      await server?.stop();
    });

    async function newQueue(): Promise<SqsQueue> {
      queues += 1;
      const created = await clients.sqs.send(
        new CreateQueueCommand({
          QueueName: `batch-${name}-${process.pid}-${queues}.fifo`,
          Attributes: { FifoQueue: 'true', VisibilityTimeout: '30' },
        }),
      );
      return new SqsQueue({ client: clients.sqs, queueUrl: created.QueueUrl ?? '' });
    }

    async function receivedServices(queue: SqsQueue): Promise<string[]> {
      const services: string[] = [];
      for (let round = 0; round < 10; round++) {
        const batch = await queue.receive(10, 0, signal);
        if (batch.length === 0) break;
        for (const m of batch) {
          if (m.body.kind === 'reconcile') services.push(m.body.service);
          await queue.delete(m.receiptHandle, signal);
        }
      }
      return services.sort();
    }

    it('sends again the entries SQS failed on its side, until every message is on the queue', async () => {
      const queue = await newQueue();
      const names = Array.from({ length: 12 }, (_, i) => `s${String(i).padStart(2, '0')}`);
      failGroups(['service:s03', 'service:s07'], false, 1);
      const before = batchCalls();
      await queue.sendBatch(names.map(reconcile), signal);
      // 10 + 2 entries, then one more call for the 2 held back.
      expect(batchCalls() - before).toBe(3);
      expect(await receivedServices(queue)).toEqual(names);
    });

    it('rejects at once, naming the group, when SQS says an entry is the sender’s fault', async () => {
      const queue = await newQueue();
      failGroups(['service:bad'], true, 1);
      const before = batchCalls();
      await expect(queue.sendBatch([reconcile('good'), reconcile('bad')], signal)).rejects.toThrow(
        /1 of 2 messages not sent: service:bad: InvalidParameterValue/,
      );
      expect(batchCalls() - before).toBe(1);
      expect(await receivedServices(queue)).toEqual(['good']);
    });

    it('gives up after its attempts when SQS keeps failing an entry, and says so', async () => {
      const queue = await newQueue();
      failGroups(['service:stuck'], false, 10);
      await expect(queue.sendBatch([reconcile('stuck'), reconcile('fine')], signal)).rejects.toThrow(
        /1 of 1 messages not sent after 4 attempts/,
      );
      proxy.failBatch = undefined;
      expect(await receivedServices(queue)).toEqual(['fine']);
    });
  });
}
