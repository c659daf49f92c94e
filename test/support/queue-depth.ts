// Reads the local world's intake queue counts straight from SQS (the deployer's own /status figures
// are refreshed only every few seconds).
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { E2eEnvironment } from './e2e-environment.ts';

export async function queueDepth(
  e2e: Pick<E2eEnvironment, 'world'>,
): Promise<{ visible: number; inFlight: number }> {
  const client = new SQSClient({
    region: 'us-east-1',
    endpoint: e2e.world.endpoints.sqs,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    useQueueUrlAsEndpoint: false,
  });
  try {
    const output = await client.send(
      new GetQueueAttributesCommand({
        QueueUrl: e2e.world.queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return {
      visible: Number(output.Attributes?.ApproximateNumberOfMessages ?? Number.NaN),
      inFlight: Number(output.Attributes?.ApproximateNumberOfMessagesNotVisible ?? Number.NaN),
    };
  } finally {
    client.destroy();
  }
}
