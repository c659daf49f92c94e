// SqsQueue.sendBatch() when SQS accepts only part of a batch. SendMessageBatch reports each entry:
// "check for batch errors even when the call returns an HTTP status code of 200"
// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessageBatch.html).
// Run against two real queues, fauxqs and moto, behind a proxy that holds back chosen entries of a
// SendMessageBatch and answers them as `Failed` (BatchResultErrorEntry: Id, SenderFault, Code, Message).
import { createServer, type Server } from 'node:http';
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import { startFauxqs } from 'fauxqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsClients, createAwsClients } from '../../../deployer/adapters/aws/clients.ts';
import { SqsQueue } from '../../../deployer/adapters/aws/sqs-adapter.ts';
import type { QueueMessage } from '../../../deployer/domain/types.ts';
import { close, listen, readBody } from '../../../local/http-util.ts';
import { startMoto } from '../../support/moto-server.ts';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const signal = new AbortController().signal;

interface Entry {
  Id: string;
  MessageGroupId?: string;
}

/** What the proxy does to the next SendMessageBatch calls: entries (by group) to answer as failed. */
interface BatchFault {
  groups: string[];
  senderFault: boolean;
  /** Calls this fault applies to. */
  times: number;
}

async function batchProxy(upstream: string) {
  const state = { faults: [] as BatchFault[], batchCalls: 0 };
  const server: Server = createServer((request, response) => {
    void (async () => {
      const raw = await readBody(request);
      const target = String(request.headers['x-amz-target'] ?? '');
      let body = raw;
      let held: Entry[] = [];
      const fault = state.faults[0];
      if (target === 'AmazonSQS.SendMessageBatch') {
        state.batchCalls += 1;
        if (fault && fault.times > 0) {
          fault.times -= 1;
          if (fault.times === 0) state.faults.shift();
          const parsed = JSON.parse(raw) as { Entries: Entry[] };
          held = parsed.Entries.filter((e) => fault.groups.includes(e.MessageGroupId ?? ''));
          body = JSON.stringify({ ...parsed, Entries: parsed.Entries.filter((e) => !held.includes(e)) });
        }
      }
      const headers: Record<string, string> = {};
      for (const [key, value] of Object.entries(request.headers))
        if (typeof value === 'string' && key !== 'host' && key !== 'content-length') headers[key] = value;
      // Every entry held back: SQS itself would refuse an empty batch, so answer for it.
      const allHeld = held.length > 0 && (JSON.parse(body) as { Entries: Entry[] }).Entries.length === 0;
      const answer = allHeld
        ? new Response(JSON.stringify({ Successful: [], Failed: [] }), { status: 200 })
        : await fetch(`${upstream}${request.url ?? '/'}`, { method: request.method, headers, body });
      let text = await answer.text();
      if (held.length > 0 && answer.ok) {
        const parsed = JSON.parse(text) as { Successful?: unknown[]; Failed?: unknown[] };
        parsed.Failed = [
          ...(parsed.Failed ?? []),
          ...held.map((e) => ({
            Id: e.Id,
            SenderFault: fault?.senderFault ?? false,
            Code: fault?.senderFault ? 'InvalidParameterValue' : 'InternalError',
            Message: 'held back by the test',
          })),
        ];
        text = JSON.stringify(parsed);
      }
      response.writeHead(answer.status, {
        'content-type': answer.headers.get('content-type') ?? 'application/x-amz-json-1.0',
      });
      response.end(text);
    })();
  });
  const port = await listen(server, 0);
  return { endpoint: `http://127.0.0.1:${port}`, state, stop: () => close(server) };
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

const reconcile = (service: string): QueueMessage => ({ kind: 'reconcile', service, reason: 'batch test' });

for (const [name, start] of Object.entries(servers)) {
  describe(`SqsQueue.sendBatch over ${name} when SQS fails some entries`, () => {
    let server: { endpoint: string; stop(): Promise<void> };
    let proxy: Awaited<ReturnType<typeof batchProxy>>;
    let clients: AwsClients;
    let queues = 0;

    beforeAll(async () => {
      server = await start();
      proxy = await batchProxy(server.endpoint);
      clients = createAwsClients({
        region: 'us-east-1',
        maxAttempts: 1,
        credentials,
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
      proxy.state.faults.push({ groups: ['service:s03', 'service:s07'], senderFault: false, times: 1 });
      const before = proxy.state.batchCalls;
      await queue.sendBatch(names.map(reconcile), signal);
      // 10 + 2 entries, then one more call for the 2 held back.
      expect(proxy.state.batchCalls - before).toBe(3);
      expect(await receivedServices(queue)).toEqual(names);
    });

    it('rejects at once, naming the group, when SQS says an entry is the sender’s fault', async () => {
      const queue = await newQueue();
      proxy.state.faults.push({ groups: ['service:bad'], senderFault: true, times: 1 });
      const before = proxy.state.batchCalls;
      await expect(queue.sendBatch([reconcile('good'), reconcile('bad')], signal)).rejects.toThrow(
        /1 of 2 messages not sent: service:bad: InvalidParameterValue/,
      );
      expect(proxy.state.batchCalls - before).toBe(1);
      expect(await receivedServices(queue)).toEqual(['good']);
    });

    it('gives up after its attempts when SQS keeps failing an entry, and says so', async () => {
      const queue = await newQueue();
      proxy.state.faults.push({ groups: ['service:stuck'], senderFault: false, times: 10 });
      await expect(queue.sendBatch([reconcile('stuck'), reconcile('fine')], signal)).rejects.toThrow(
        /1 of 1 messages not sent after 4 attempts/,
      );
      proxy.state.faults.length = 0;
      expect(await receivedServices(queue)).toEqual(['fine']);
    });
  });
}
