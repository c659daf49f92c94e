// What a queue body is, decided once: our own QueueMessage, an EventBridge ECR or ECS event (the rules
// target the queue directly) that is an image push or a deployment event, or is recognised and asks
// for nothing, or poison
// (anything else: it must reach the dead-letter queue, never the consumer).
import { DeployerError } from '../errors.ts';
import type { QueueMessage } from '../types.ts';
import { parseEcrEvent } from './ecr-event.ts';
import { ECS_EVENT_SOURCE, parseEcsEvent } from './ecs-event.ts';
import { checkMessage } from './queue-message.ts';

export type QueueBody =
  | { kind: 'message'; message: QueueMessage }
  | { kind: 'ignored'; reason: string }
  | { kind: 'poison'; error: DeployerError };

export function decodeQueueBody(text: string): QueueBody {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: 'poison', error: new DeployerError('EVENT_INVALID', 'invalid queue message: not JSON') };
  }
  if (isEventBridgeEvent(value) && value.source === ECS_EVENT_SOURCE) {
    const event = parseEcsEvent(value);
    if (!event.ok) return { kind: 'poison', error: event.error };
    return event.value.kind === 'deployment-event'
      ? { kind: 'message', message: event.value.message }
      : { kind: 'ignored', reason: event.value.reason };
  }
  if (isEventBridgeEvent(value)) {
    const event = parseEcrEvent(value);
    if (!event.ok) return { kind: 'poison', error: event.error };
    return event.value.kind === 'image-push'
      ? { kind: 'message', message: event.value.message }
      : { kind: 'ignored', reason: event.value.reason };
  }
  const message = checkMessage(value);
  return message.ok ? { kind: 'message', message: message.value } : { kind: 'poison', error: message.error };
}

/** Every EventBridge event has a source and a detail-type; none of our messages has either. */
function isEventBridgeEvent(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && 'detail-type' in value && 'source' in value;
}
