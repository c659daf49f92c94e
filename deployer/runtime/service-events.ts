// Copies what each DescribeServices shows into the status: the service events (and the log, as they
// appear; the first look at a service replays ECS's whole event history: that one stays out of the
// info log) and the task counts.
import type { Logger } from 'pino';
import type { LiveService } from '../domain/types.ts';
import type { StatusStore } from './status-store.ts';

export class ServiceEvents {
  readonly #store: StatusStore;
  readonly #seen = new Set<string>();

  constructor(store: StatusStore) {
    this.#store = store;
  }

  record(
    name: string,
    observed: Pick<LiveService, 'events' | 'desiredCount' | 'runningCount' | 'pendingCount'>,
    log: Logger,
    observedAt: Date,
  ): void {
    const first = !this.#seen.has(name);
    this.#seen.add(name);
    // One change for the counts and the new events (a change copies the service's record).
    const added = this.#store.looked(name, observed.events, (service) => {
      service.tasks = {
        desired: observed.desiredCount,
        running: observed.runningCount,
        pending: observed.pendingCount,
        observedAt: observedAt.toISOString(),
      };
    });
    for (const event of added)
      log[first ? 'debug' : 'info']({ ecsEvent: event.message }, 'ECS service event');
  }
}
