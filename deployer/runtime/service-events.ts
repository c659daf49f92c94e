// Copies ECS service events into the status and the log as they appear. The first look at a service
// replays ECS's whole event history: that one stays out of the info log.
import type { Logger } from 'pino';
import type { LiveServiceEvent } from '../domain/types.ts';
import type { StatusStore } from './status-store.ts';

export class ServiceEvents {
  readonly #store: StatusStore;
  readonly #seen = new Set<string>();

  constructor(store: StatusStore) {
    this.#store = store;
  }

  record(name: string, events: readonly LiveServiceEvent[], log: Logger): void {
    const first = !this.#seen.has(name);
    this.#seen.add(name);
    const added = this.#store.addEvents(
      name,
      events.map((e) => ({ id: e.id, createdAt: e.createdAt.toISOString(), message: e.message })),
    );
    for (const event of added)
      log[first ? 'debug' : 'info']({ ecsEvent: event.message }, 'ECS service event');
  }
}
