// Reads the local world's intake queue counts straight from SQS (the deployer's own /status figures
// are refreshed only every few seconds), and the client for other calls on that queue.
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { E2eEnvironment } from './e2e-environment.ts';

/** An SQS client on the local world's intake queue for one call, destroyed after it. */
export async function withWorldSqs<T>(
  e2e: Pick<E2eEnvironment, 'world'>,
  call: (sqs: SQSClient, queueUrl: string) => Promise<T>,
): Promise<T> {
  const sqs = new SQSClient({
    region: 'us-east-1',
    endpoint: e2e.world.endpoints.sqs,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    useQueueUrlAsEndpoint: false,
  });
  try {
    return await call(sqs, e2e.world.queueUrl);
  } finally {
    sqs.destroy();
  }
}

export async function queueDepth(
  e2e: Pick<E2eEnvironment, 'world'>,
): Promise<{ visible: number; inFlight: number }> {
  const output = await withWorldSqs(e2e, (sqs, queueUrl) =>
    sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    ),
  );
  return {
    visible: Number(output.Attributes?.ApproximateNumberOfMessages ?? Number.NaN),
    inFlight: Number(output.Attributes?.ApproximateNumberOfMessagesNotVisible ?? Number.NaN),
  };
}
