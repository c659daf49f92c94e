// Level-triggered promotion needs a hint to look: when a rollout of an environment ends (succeeded or
// failed), every environment promoted from it gets a reconcile, which reads the upstream's records and
// moves (or refuses, and says why); a digest that soaks upstream gets one when its soak time ends. A
// lost hint only delays: the periodic resync reconciles every environment anyway.
import type { Logger } from 'pino';
import type { DesiredState, QueueMessage } from '../domain/types.ts';
import type { Clock, QueuePort } from '../ports.ts';
import { promotedFrom } from './config-lookup.ts';

export interface PromotionHintDeps {
  queue: QueuePort;
  clock: Clock;
  logger: Logger;
  desired: () => DesiredState | undefined;
  /** Aborts at shutdown: pending soak timers end with it. */
  signal: () => AbortSignal;
}

export class PromotionHints {
  readonly #deps: PromotionHintDeps;
  /** Per environment, the soak end a timer waits for (one timer per end). */
  readonly #soakTimers = new Map<string, number>();

  constructor(deps: PromotionHintDeps) {
    this.#deps = deps;
  }

  /** A rollout of `upstream` ended: reconcile the environments promoted from it. */
  async rolloutEnded(upstream: string, signal: AbortSignal): Promise<void> {
    const downstream = promotedFrom(this.#deps.desired(), upstream);
    for (const service of downstream) {
      // The time makes each hint its own message: the FIFO queue drops a body it saw in the last
      // 5 minutes (content-based deduplication), and the next rollout upstream needs its own look.
      const message: QueueMessage = {
        kind: 'reconcile',
        service: service.name,
        reason: `promotion: a rollout of ${upstream} ended ${this.#deps.clock.now().toISOString()}`,
      };
      try {
        await this.#deps.queue.send(message, signal);
        this.#deps.logger.info({ service: service.name, from: upstream }, 'promotion: reconcile queued');
      } catch (error) {
        // The resync looks again; the rollout upstream has ended whatever happens here.
        if (!signal.aborted)
          this.#deps.logger.warn({ err: error, service: service.name }, 'promotion hint not queued');
      }
    }
  }

  /** `service` waits for a digest soaking upstream until `until`: reconcile it then. */
  soaking(service: string, until: Date): void {
    const at = until.getTime();
    if (this.#soakTimers.get(service) === at) return;
    this.#soakTimers.set(service, at);
    const signal = this.#deps.signal();
    const wait = Math.max(0, at - this.#deps.clock.now().getTime());
    void this.#deps.clock
      .sleep(wait, signal)
      .then(async () => {
        if (this.#soakTimers.get(service) !== at) return; // a later soak replaced this one
        this.#soakTimers.delete(service);
        await this.#deps.queue.send(
          { kind: 'reconcile', service, reason: `promotion: soak time ended at ${until.toISOString()}` },
          signal,
        );
      })
      .catch((error: unknown) => {
        if (!signal.aborted) this.#deps.logger.warn({ err: error, service }, 'soak-end reconcile not queued');
      });
  }
}
