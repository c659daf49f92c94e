// A QueueConsumer over the fake queue, for tests of the consumer itself: what a test does not vary is
// fixed (four slots, 30 s visibility, 10 s heartbeat, no long poll, no backoff, virtual time, silent).
// stopConsumers() stops every consumer made here (call it in afterEach).
import { QueueConsumer, type QueueConsumerOptions } from '../../deployer/runtime/queue-consumer.ts';
import { FakeClock, type FakeQueue, silentLogger } from './fakes/index.ts';

const consumers: QueueConsumer[] = [];

export function consumerOverFakes(
  queue: FakeQueue,
  options: Partial<QueueConsumerOptions> & Pick<QueueConsumerOptions, 'handle'>,
): QueueConsumer {
  const consumer = new QueueConsumer({
    queue,
    concurrency: 4,
    visibilityTimeoutSeconds: 30,
    heartbeatSeconds: 10,
    maxReceives: 5,
    waitSeconds: 0,
    clock: new FakeClock(),
    logger: silentLogger,
    backoffSeconds: () => 0,
    ...options,
  });
  consumers.push(consumer);
  return consumer;
}

export async function stopConsumers(): Promise<void> {
  await Promise.all(consumers.splice(0).map((consumer) => consumer.stop()));
}
