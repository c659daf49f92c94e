// EventBridge delivers ECR pushes to the queue as its own event JSON, not as our QueueMessage
// (infra/lib/intake-queue.ts, local/ecr/image-event.ts). This turns a successful "ECR Image Action"
// PUSH into an `image-push` message; anything else is not one.
import type { QueueMessage } from '../../domain/types.ts';

type ImagePush = Extract<QueueMessage, { kind: 'image-push' }>;

const text = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

/** The image-push message an EventBridge ECR event stands for, or undefined when it is not one. */
export function imagePushFromEventBridge(body: string): ImagePush | undefined {
  let event: unknown;
  try {
    event = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof event !== 'object' || event === null) return undefined;
  const record = event as Record<string, unknown>;
  if (record.source !== 'aws.ecr' || record['detail-type'] !== 'ECR Image Action') return undefined;
  const detail = record.detail as Record<string, unknown> | null | undefined;
  if (typeof detail !== 'object' || detail === null) return undefined;
  if (detail['action-type'] !== 'PUSH' || detail.result !== 'SUCCESS') return undefined;
  const repository = detail['repository-name'];
  const digest = detail['image-digest'];
  if (!text(repository) || !text(digest) || !digest.startsWith('sha256:') || !text(record.time))
    return undefined;
  const message: ImagePush = { kind: 'image-push', repository, digest, pushedAt: record.time };
  if (text(detail['image-tag'])) message.tag = detail['image-tag'];
  return message;
}
