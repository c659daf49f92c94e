// ecs_gitops_sync_state: 1 for the sync state a service is in, 0 for the others. One state is kept per
// service and the series are made when /metrics is read: prom-client's Gauge keeps every series it was
// given (a label key string, a labels object and a value) for as long as the process runs, seven per
// service: 8.3 MiB of a 10,000-service deployer's heap (issue 17's memory goal, docs/benchmarks.md).
import { Gauge, type Registry } from 'prom-client';
import { SYNC_STATES, type SyncState } from '../contract/status-model.ts';

type SyncLabel = 'service' | 'state';

export class SyncStateGauge extends Gauge<SyncLabel> {
  readonly #states = new Map<string, SyncState>();

  constructor(registry: Registry) {
    super({
      name: 'ecs_gitops_sync_state',
      help: '1 for the sync state a service is in, 0 for the others.',
      labelNames: ['service', 'state'],
      registers: [registry],
    });
  }

  state(service: string, state: SyncState): void {
    this.#states.set(service, state);
  }

  forget(service: string): void {
    this.#states.delete(service);
  }

  override async get(): ReturnType<Gauge<SyncLabel>['get']> {
    const values = [];
    for (const [service, current] of this.#states)
      for (const state of SYNC_STATES)
        values.push({ value: state === current ? 1 : 0, labels: { service, state } });
    return { ...(await super.get()), values };
  }
}
