// TaskLogsPort over CloudWatch Logs: the last lines a container wrote through the awslogs driver.
// GetLogEvents: "If the value is false, the latest log events are returned first" (startFromHead
// false, the default when no token is given) and `limit` caps the events of one answer (up to 10,000);
// the events come oldest first within the answer. A stream that does not exist (a task that died
// before writing a line) is ResourceNotFoundException
// (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_GetLogEvents.html).
import { type CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { TaskLogsPort } from '../../ports.ts';
import { callAws } from './map-aws-error.ts';

export class CloudWatchTaskLogs implements TaskLogsPort {
  readonly #client: CloudWatchLogsClient;

  constructor(client: CloudWatchLogsClient) {
    this.#client = client;
  }

  async lastLines(group: string, stream: string, limit: number, signal: AbortSignal): Promise<string[]> {
    try {
      const output = await callAws('logs:GetLogEvents', signal, () =>
        this.#client.send(
          new GetLogEventsCommand({
            logGroupName: group,
            logStreamName: stream,
            startFromHead: false,
            limit,
          }),
          { abortSignal: signal },
        ),
      );
      const events = [...(output.events ?? [])].sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0));
      return events.map((event) => event.message ?? '').slice(-limit);
    } catch (error) {
      if (isMissingStream(error)) return [];
      throw error;
    }
  }
}

function isMissingStream(error: unknown): boolean {
  const cause = (error as { cause?: { name?: unknown } } | null)?.cause;
  return cause?.name === 'ResourceNotFoundException';
}
