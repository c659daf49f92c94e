import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { DeployerError } from '../../../deployer/domain/errors.ts';
import type { QueueMessage } from '../../../deployer/domain/types.ts';
import type { ReceivedMessage } from '../../../deployer/ports.ts';
import { defaultBackoffSeconds, QueueConsumer } from '../../../deployer/runtime/queue-consumer.ts';
import { consumerOverFakes, stopConsumers } from '../../support/consumer-over-fakes.ts';
import { FakeClock, FakeQueue, silentLogger } from '../../support/fakes/index.ts';
import { until } from '../../support/until-status.ts';

afterEach(stopConsumers);

const reconcile = (service: string, n: number): QueueMessage => ({
  kind: 'reconcile',
  service,
  reason: `r${n}`,
});
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const consumer = consumerOverFakes;

function logLines(): { logger: pino.Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      callback();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

describe('QueueConsumer', () => {
  it('handles the messages of a group strictly in order and other groups in parallel', async () => {
    const queue = new FakeQueue();
    const events: string[] = [];
    for (let n = 1; n <= 3; n++) await queue.send(reconcile('a', n));
    await queue.send(reconcile('b', 1));
    const c = consumer(queue, {
      handle: async (m: ReceivedMessage) => {
        const body = m.body as Extract<QueueMessage, { kind: 'reconcile' }>;
        events.push(`start ${body.service} ${body.reason}`);
        await sleep(body.service === 'a' ? 20 : 5);
        events.push(`end ${body.service} ${body.reason}`);
      },
    });
    c.start();
    await until(() => queue.deleted.length === 4);
    const a = events.filter((e) => e.includes(' a '));
    expect(a).toEqual(['start a r1', 'end a r1', 'start a r2', 'end a r2', 'start a r3', 'end a r3']);
    // b ran while a's first message was still in progress
    expect(events.indexOf('end b r1')).toBeLessThan(events.indexOf('end a r1'));
  });

  it('never works on more groups at once than concurrency allows', async () => {
    const queue = new FakeQueue();
    for (const service of ['a', 'b', 'c', 'd']) await queue.send(reconcile(service, 1));
    let active = 0;
    let peak = 0;
    const c = consumer(queue, {
      concurrency: 2,
      handle: async () => {
        active += 1;
        peak = Math.max(peak, active);
        await sleep(15);
        active -= 1;
      },
    });
    c.start();
    await until(() => queue.deleted.length === 4);
    expect(peak).toBe(2);
  });

  it('deletes a message that failed with a terminal error and goes on', async () => {
    const queue = new FakeQueue();
    await queue.send(reconcile('a', 1));
    await queue.send(reconcile('a', 2));
    const handled: string[] = [];
    const c = consumer(queue, {
      handle: async (m) => {
        handled.push((m.body as { reason: string }).reason);
        if (handled.length === 1) throw new DeployerError('SERVICE_NOT_FOUND', 'no such service');
      },
    });
    c.start();
    await until(() => queue.deleted.length === 2);
    expect(handled).toEqual(['r1', 'r2']);
  });

  it('retries a retryable failure with backoff, keeping the group in order', async () => {
    const queue = new FakeQueue();
    await queue.send(reconcile('a', 1));
    await queue.send(reconcile('a', 2));
    const handled: string[] = [];
    const c = consumer(queue, {
      backoffSeconds: (count) => (count === 1 ? 0.05 : 0),
      handle: async (m) => {
        handled.push(`${(m.body as { reason: string }).reason}#${m.receiveCount}`);
        if (m.receiveCount === 1 && handled.length === 1)
          throw new DeployerError('AWS_THROTTLED', 'slow down');
      },
    });
    c.start();
    await until(() => queue.deleted.length === 2);
    // SQS FIFO hands out both messages of the group in one batch; r2 goes back untouched behind the
    // failed r1, so it is handled on its second receive.
    expect(handled).toEqual(['r1#1', 'r1#2', 'r2#2']);
    expect(queue.visibilityChanges[0]).toEqual({ id: 'm1', seconds: 0.05 });
  });

  it('logs a message failing on its last allowed receive; the redrive then dead-letters it', async () => {
    const queue = new FakeQueue();
    queue.maxReceives = 2;
    await queue.send(reconcile('a', 1));
    const { logger, lines } = logLines();
    const c = consumer(queue, {
      maxReceives: 2,
      logger,
      handle: async () => {
        throw new Error('bug');
      },
    });
    c.start();
    await until(() => queue.dead.length === 1);
    const last = lines.find(
      (l) =>
        l.msg ===
        'message failed on its last allowed receive; the queue will move it to the dead-letter queue',
    );
    expect(last).toMatchObject({
      level: 50,
      messageId: 'm1',
      receiveCount: 2,
      maxReceives: 2,
      kind: 'reconcile',
    });
    expect(last?.err).toMatchObject({ message: 'bug' });
  });

  it('extends the visibility of messages in hand while they are worked on', async () => {
    const queue = new FakeQueue();
    await queue.send(reconcile('a', 1));
    const clock = new FakeClock();
    const c = consumer(queue, {
      clock,
      heartbeatSeconds: 20,
      visibilityTimeoutSeconds: 30,
      // Works for 40 s of the consumer's clock: two heartbeats come; without them this throws and the
      // message is never deleted.
      handle: async () => {
        clock.advance(20_000);
        clock.advance(20_000);
        await until(() => queue.visibilityChanges.filter((v) => v.seconds === 30).length >= 2);
      },
    });
    c.start();
    await until(() => queue.deleted.length === 1, 15_000);
    expect(queue.visibilityChanges.filter((v) => v.seconds === 30).length).toBeGreaterThanOrEqual(2);
  });

  it('stop aborts the work in progress and gives unfinished messages back at once', async () => {
    const queue = new FakeQueue();
    await queue.send(reconcile('a', 1));
    await queue.send(reconcile('b', 1));
    let started = 0;
    const c = consumer(queue, {
      handle: (_m, signal) =>
        new Promise((_resolve, reject) => {
          started += 1;
          signal.addEventListener('abort', () => reject(signal.reason), { once: true });
        }),
    });
    c.start();
    await until(() => started === 2);
    await c.stop();
    expect(c.running).toBe(false);
    expect(c.inHand).toBe(0);
    expect(queue.deleted).toEqual([]);
    expect(
      queue.visibilityChanges
        .filter((v) => v.seconds === 0)
        .map((v) => v.id)
        .sort(),
    ).toEqual(['m1', 'm2']);
  });

  it('keeps receiving after the queue fails to answer', async () => {
    const queue = new FakeQueue();
    queue.receiveFailures = 2;
    await queue.send(reconcile('a', 1));
    const c = consumer(queue, { handle: async () => undefined });
    c.start();
    await until(() => queue.deleted.length === 1);
    expect(queue.receiveFailures).toBe(0);
  });

  it('rejects a heartbeat that is not shorter than the visibility timeout', () => {
    expect(
      () =>
        new QueueConsumer({
          queue: new FakeQueue(),
          handle: async () => undefined,
          concurrency: 1,
          visibilityTimeoutSeconds: 10,
          heartbeatSeconds: 10,
          maxReceives: 5,
          clock: new FakeClock(),
          logger: silentLogger,
        }),
    ).toThrow('heartbeatSeconds must be less than visibilityTimeoutSeconds');
  });

  it('defaultBackoffSeconds doubles from 5 s and stops at 5 minutes', () => {
    expect([1, 2, 3, 4, 10].map(defaultBackoffSeconds)).toEqual([5, 10, 20, 40, 300]);
  });
});
