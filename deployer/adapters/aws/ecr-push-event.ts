// EventBridge delivers ECR pushes to the queue as its own event JSON, not as our QueueMessage
// (infra/lib/intake-queue.ts, local/ecr/image-event.ts). The queue body is text; the deciding is
// done once, by the pure parser in deployer/domain/events/ecr-event.ts.

import { DeployerError, err, type Result } from '../../domain/errors.ts';
import { type EcrEventOutcome, type ImagePush, parseEcrEvent } from '../../domain/events/ecr-event.ts';

/** The parser's verdict on a queue body: image-push, ignored with a reason, or EVENT_INVALID. */
export function ecrEventFromBody(body: string): Result<EcrEventOutcome> {
  let event: unknown;
  try {
    event = JSON.parse(body);
  } catch {
    return err(new DeployerError('EVENT_INVALID', 'invalid EventBridge event: not JSON'));
  }
  return parseEcrEvent(event);
}

/** The image-push message an EventBridge ECR event stands for, or undefined when it is not one. */
export function imagePushFromEventBridge(body: string): ImagePush | undefined {
  const outcome = ecrEventFromBody(body);
  return outcome.ok && outcome.value.kind === 'image-push' ? outcome.value.message : undefined;
}
