// Turns the runtime's status notifications into lifecycle events for the reporters (GitHub,
// notifications). It only reads status: the runtime knows nothing of who listens, and a listener
// that throws is logged and skipped, never thrown back into the status store.
import type { DeployerStatus } from '../contract/status-model.ts';
import { diffStatus } from './diff-status.ts';
import type { LifecycleEvent } from './lifecycle-event.ts';

export interface StatusSource {
  status(): DeployerStatus;
  subscribe(listener: (status: DeployerStatus) => void): () => void;
}

export type LifecycleListener = (event: LifecycleEvent) => void;

/** Starts feeding; returns the unsubscribe function. The status at this moment is the baseline. */
export function feedLifecycle(
  source: StatusSource,
  listeners: readonly LifecycleListener[],
  onListenerError: (error: unknown, event: LifecycleEvent) => void,
): () => void {
  let previous = source.status();
  return source.subscribe((next) => {
    const events = diffStatus(previous, next);
    previous = next;
    for (const event of events) {
      for (const listener of listeners) {
        try {
          listener(event);
        } catch (error) {
          onListenerError(error, event);
        }
      }
    }
  });
}
