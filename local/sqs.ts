// The queue: fauxqs (a real SQS emulator) in-process on 127.0.0.1, with the FIFO work queue and its
// dead-letter queue. Content-based dedup is off: the deployer sends explicit dedup ids.
import { type FauxqsServer, startFauxqs } from 'fauxqs';

export const QUEUE_NAME = 'ecs-gitops.fifo';
export const DLQ_NAME = 'ecs-gitops-dlq.fifo';

export interface LocalQueue {
  server: FauxqsServer;
  endpoint: string;
  queueUrl: string;
  dlqUrl: string;
  stop(): Promise<void>;
}

export interface LocalQueueOptions {
  port: number;
  maxReceiveCount: number;
  visibilityTimeoutSeconds: number;
}

export async function startLocalQueue(options: LocalQueueOptions): Promise<LocalQueue> {
  const server = await startFauxqs({
    port: options.port,
    host: '127.0.0.1',
    logger: false,
    defaultRegion: 'us-east-1',
  });
  try {
    const dlq = server.createQueue(DLQ_NAME, {
      attributes: {
        FifoQueue: 'true',
        ContentBasedDeduplication: 'false',
        MessageRetentionPeriod: '1209600',
      },
    });
    const queue = server.createQueue(QUEUE_NAME, {
      attributes: {
        FifoQueue: 'true',
        ContentBasedDeduplication: 'false',
        VisibilityTimeout: String(options.visibilityTimeoutSeconds),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: dlq.queueArn,
          maxReceiveCount: String(options.maxReceiveCount),
        }),
      },
    });
    return {
      server,
      endpoint: server.address,
      queueUrl: queue.queueUrl,
      dlqUrl: dlq.queueUrl,
      stop: () => server.stop(),
    };
  } catch (error) {
    await server.stop();
    throw error;
  }
}
