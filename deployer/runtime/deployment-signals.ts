// Wakes a rollout waiting on an ECS deployment when ECS says something happened to its service (an
// EventBridge deployment event taken from the queue): the rollout then describes the service at once
// instead of at its next fallback poll. Per service, a count of events seen so far: a waiter that
// marked the count before describing is woken by an event that came in between, so none is missed.
// The ids of the deployments ECS said COMPLETED are kept (a few per service), so a waiter can finish on
// the event about its own deployment without another look (rollout/wait.ts).
import type { Clock } from '../ports.ts';

/** COMPLETED deployment ids kept per service: more between two looks of a waiter is a describe, no error. */
const COMPLETIONS_KEPT = 4;

const nameOf = (nameOrArn: string) => nameOrArn.slice(nameOrArn.lastIndexOf('/') + 1);

export class DeploymentSignals {
  readonly #seen = new Map<string, number>();
  readonly #waiters = new Map<string, Set<() => void>>();
  /** Per service, the last COMPLETED deployment ids with the count at which each came. */
  readonly #completed = new Map<string, { seen: number; deploymentId: string }[]>();

  static #key(cluster: string, service: string): string {
    return `${nameOf(cluster)}/${nameOf(service)}`;
  }

  /** Events seen so far for the service: pass it to wait() to be woken by any later one. */
  mark(cluster: string, service: string): number {
    return this.#seen.get(DeploymentSignals.#key(cluster, service)) ?? 0;
  }

  /**
   * An event about the service arrived (`completed`: the deploymentId of a SERVICE_DEPLOYMENT_COMPLETED);
   * returns how many waiting rollouts it woke.
   */
  notify(cluster: string, service: string, completed?: string): number {
    const key = DeploymentSignals.#key(cluster, service);
    const seen = (this.#seen.get(key) ?? 0) + 1;
    this.#seen.set(key, seen);
    if (completed) {
      const kept = [...(this.#completed.get(key) ?? []), { seen, deploymentId: completed }];
      this.#completed.set(key, kept.slice(-COMPLETIONS_KEPT));
    }
    const waiters = this.#waiters.get(key);
    this.#waiters.delete(key);
    for (const wake of waiters ?? []) wake();
    return waiters?.size ?? 0;
  }

  /** Whether ECS said deployment `deploymentId` COMPLETED in an event later than `mark`. */
  completedSince(cluster: string, service: string, mark: number, deploymentId: string): boolean {
    const kept = this.#completed.get(DeploymentSignals.#key(cluster, service)) ?? [];
    return kept.some((c) => c.seen > mark && c.deploymentId === deploymentId);
  }

  /**
   * Resolves with true when an event later than `mark` arrives, or false after `fallbackMs` (the slow
   * poll that covers lost events); rejects when `signal` aborts.
   */
  async wait(
    cluster: string,
    service: string,
    mark: number,
    fallbackMs: number,
    clock: Clock,
    signal: AbortSignal,
  ): Promise<boolean> {
    if (this.mark(cluster, service) > mark) return true;
    const key = DeploymentSignals.#key(cluster, service);
    const stopSleeping = new AbortController();
    let wake: () => void = () => {};
    const woken = new Promise<true>((resolve) => {
      wake = () => resolve(true);
    });
    const waiters = this.#waiters.get(key) ?? new Set();
    waiters.add(wake);
    this.#waiters.set(key, waiters);
    try {
      // Woken first, the sleep is cut short: that rejection means nothing unless the caller aborted.
      const slept = clock.sleep(fallbackMs, AbortSignal.any([signal, stopSleeping.signal])).then(
        () => false,
        (error: unknown) => {
          if (signal.aborted) throw error;
          return false;
        },
      );
      return await Promise.race([woken, slept]);
    } finally {
      stopSleeping.abort();
      const left = this.#waiters.get(key);
      left?.delete(wake);
      if (left?.size === 0) this.#waiters.delete(key);
    }
  }
}
