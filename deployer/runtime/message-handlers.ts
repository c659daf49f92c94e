// One table from message kind to the handler that does its work: intake for hints (group `intake`),
// the reconciler for per-service work (group `service:<name>`), ECS deployment events (group
// `ecs-events`) for rollouts waiting on them. The only place kinds are routed.
import type { QueueMessage } from '../domain/types.ts';
import type { Intake } from './intake.ts';
import type { Reconciler } from './reconcile.ts';

type Kind = QueueMessage['kind'];
export type Handler<K extends Kind> = (
  message: Extract<QueueMessage, { kind: K }>,
  signal: AbortSignal,
) => Promise<void>;
export type MessageHandlers = { readonly [K in Kind]: Handler<K> };

export function messageHandlers(
  intake: Intake,
  reconciler: Reconciler,
  deploymentEvent: Handler<'deployment-event'>,
): MessageHandlers {
  return {
    'deployment-event': deploymentEvent,
    'git-push': (message, signal) => intake.gitPush(message, signal),
    'image-push': (message, signal) => intake.imagePush(message, signal),
    resync: (message, signal) => intake.resync(message, signal),
    reconcile: (message, signal) =>
      reconciler.reconcile(
        message.service,
        {
          reason: message.reason,
          force: message.force === true,
          ...(message.trigger ? { trigger: message.trigger } : {}),
        },
        signal,
      ),
  };
}

export function dispatch(
  handlers: MessageHandlers,
  message: QueueMessage,
  signal: AbortSignal,
): Promise<void> {
  // The table is keyed by kind, so the handler found takes exactly this message's type.
  const handler = handlers[message.kind] as Handler<Kind> as (
    m: QueueMessage,
    s: AbortSignal,
  ) => Promise<void>;
  return handler(message, signal);
}
