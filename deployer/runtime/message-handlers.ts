// One table from message kind to the handler that does its work: intake for hints (group `intake`),
// the reconciler for per-service work (group `service:<name>`), ECS deployment events (group
// `ecs-events`) for rollouts waiting on them. The only place kinds are routed.
import type { QueueMessage } from '../domain/types.ts';
import type { Intake } from './intake.ts';
import type { Slot } from './queue-consumer.ts';
import type { Reconciler } from './reconcile.ts';

type Kind = QueueMessage['kind'];
/** `slot`: the consumer slot the work holds; work that waits on ECS releases it. */
export type Handler<K extends Kind> = (
  message: Extract<QueueMessage, { kind: K }>,
  signal: AbortSignal,
  slot: Slot,
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
    reconcile: async (message, signal, slot) => {
      // Queued by a replica that applied a config this one has not read yet (each reads git itself):
      // read the head first, so no reconcile acts on an older config than the one that queued it.
      if (message.configRevision !== undefined && message.configRevision !== intake.current()?.revision)
        await intake.loadHead(signal);
      return reconciler.reconcile(
        message.service,
        {
          reason: message.reason,
          force: message.force === true,
          ...(message.trigger ? { trigger: message.trigger } : {}),
          ...(message.overrideWindowBy !== undefined ? { overrideWindowBy: message.overrideWindowBy } : {}),
          releaseSlot: () => slot.release(),
        },
        signal,
      );
    },
  };
}

export function dispatch(
  handlers: MessageHandlers,
  message: QueueMessage,
  signal: AbortSignal,
  slot: Slot,
): Promise<void> {
  // The table is keyed by kind, so the handler found takes exactly this message's type.
  const handler = handlers[message.kind] as Handler<Kind> as (
    m: QueueMessage,
    s: AbortSignal,
    slot: Slot,
  ) => Promise<void>;
  return handler(message, signal, slot);
}
