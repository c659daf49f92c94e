// The local SQS stand-in listens on 127.0.0.1 only (docs/local.md: every listener is on loopback):
// another host on the network must not be able to read or inject deployer messages.
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalQueue, startLocalQueue } from '../../../local/sqs.ts';

let queue: LocalQueue;
beforeAll(async () => {
  queue = await startLocalQueue({ port: 0, maxReceiveCount: 2, visibilityTimeoutSeconds: 5 });
});
afterAll(() => queue?.stop());

/** Whether a TCP connection to host:port is accepted. */
const reachable = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

const externalAddresses = Object.values(networkInterfaces())
  .flat()
  .filter((info) => info !== undefined && info.family === 'IPv4' && !info.internal)
  .map((info) => info?.address ?? '');

describe('startLocalQueue', () => {
  it('listens on 127.0.0.1, not on every interface', () => {
    expect(queue.address.address).toBe('127.0.0.1');
    expect(new URL(queue.endpoint).hostname).toBe('127.0.0.1');
  });

  it('accepts connections on loopback and refuses them on the machine’s other addresses', async () => {
    expect(await reachable('127.0.0.1', queue.address.port)).toBe(true);
    for (const address of externalAddresses) expect(await reachable(address, queue.address.port)).toBe(false);
  });

  it('creates the FIFO queue and its DLQ and takes messages sent to it', async () => {
    expect(queue.queueUrl).toMatch(/ecs-gitops\.fifo$/);
    expect(queue.dlqUrl).toMatch(/ecs-gitops-dlq\.fifo$/);
    await queue.send('{"hello":1}', { groupId: 'intake', deduplicationId: 'loopback-1' });
  });
});
