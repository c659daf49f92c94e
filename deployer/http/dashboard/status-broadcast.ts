// One runtime subscription shared by every open dashboard: each status change is rendered once and
// fanned out. Bursts (several step changes in one tick) coalesce into one update carrying the latest.
import type { DeployerRuntime } from '../../runtime/runtime.ts';
import type { DeployerStatus } from '../../runtime/status-model.ts';
import { pageTitle, renderDashboardBody } from './render-page.ts';

/** What /events pushes and /dashboard/state returns: the status JSON, the rendered body and the tab title. */
export interface DashboardPayload {
  status: DeployerStatus;
  html: string;
  title: string;
}

export type PayloadListener = (payload: DashboardPayload) => void;

export function dashboardPayload(status: DeployerStatus): DashboardPayload {
  return { status, html: renderDashboardBody(status), title: pageTitle(status) };
}

export class StatusBroadcast {
  readonly #runtime: DeployerRuntime;
  readonly #coalesceMs: number;
  readonly #listeners = new Set<PayloadListener>();
  #unsubscribe: (() => void) | undefined;
  #timer: NodeJS.Timeout | undefined;
  #pending: DeployerStatus | undefined;

  constructor(runtime: DeployerRuntime, coalesceMs = 50) {
    this.#runtime = runtime;
    this.#coalesceMs = coalesceMs;
  }

  get listenerCount(): number {
    return this.#listeners.size;
  }

  /** Adds a listener; returns its unsubscribe function. The runtime is watched only while someone listens. */
  add(listener: PayloadListener): () => void {
    this.#listeners.add(listener);
    this.#unsubscribe ??= this.#runtime.subscribe((status) => this.#schedule(status));
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) this.#stopWatching();
    };
  }

  close(): void {
    this.#listeners.clear();
    this.#stopWatching();
  }

  #schedule(status: DeployerStatus): void {
    this.#pending = status;
    this.#timer ??= setTimeout(() => this.#flush(), this.#coalesceMs);
  }

  #flush(): void {
    this.#timer = undefined;
    const status = this.#pending;
    this.#pending = undefined;
    if (status === undefined) return;
    const payload = dashboardPayload(status);
    for (const listener of this.#listeners) listener(payload);
  }

  #stopWatching(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#pending = undefined;
  }
}
