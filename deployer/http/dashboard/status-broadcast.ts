// One runtime subscription shared by every open dashboard: each status change is rendered and serialised
// once and fanned out. Bursts (several step changes in one tick) coalesce into one update carrying the
// latest; the window grows with the cost of a render (many services), so pushing never eats the CPU.

import type { DeployerStatus } from '../../contract/status-model.ts';
import type { DeployerRuntime } from '../../runtime/runtime.ts';
import { pageTitle, renderDashboardBody } from './render-page.ts';

/** What /events pushes and /dashboard/state returns: the status JSON, the rendered body and the tab title. */
export interface DashboardPayload {
  status: DeployerStatus;
  html: string;
  title: string;
}

/** Receives the payload already serialised (one JSON.stringify per change, not per open tab). */
export type PayloadListener = (json: string) => void;

/** At most this share of the time goes to rendering updates. */
const MAX_RENDER_SHARE = 0.25;
const MAX_COALESCE_MS = 2000;

export function dashboardPayload(status: DeployerStatus): DashboardPayload {
  return { status, html: renderDashboardBody(status), title: pageTitle(status) };
}

export class StatusBroadcast {
  readonly #runtime: DeployerRuntime;
  readonly #coalesceMs: number;
  #windowMs: number;
  readonly #listeners = new Set<PayloadListener>();
  #unsubscribe: (() => void) | undefined;
  #timer: NodeJS.Timeout | undefined;
  #pending: DeployerStatus | undefined;

  readonly #serialize: (status: DeployerStatus) => string;

  constructor(
    runtime: DeployerRuntime,
    options: { coalesceMs?: number; serialize?: (status: DeployerStatus) => string } = {},
  ) {
    const coalesceMs = options.coalesceMs ?? 50;
    this.#runtime = runtime;
    this.#coalesceMs = coalesceMs;
    this.#serialize = options.serialize ?? ((status) => JSON.stringify(dashboardPayload(status)));
    this.#windowMs = coalesceMs;
  }

  /** Current coalescing window (grows when rendering is slow). */
  get windowMs(): number {
    return this.#windowMs;
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
    this.#timer ??= setTimeout(() => this.#flush(), this.#windowMs);
  }

  #flush(): void {
    this.#timer = undefined;
    const status = this.#pending;
    this.#pending = undefined;
    if (status === undefined) return;
    const started = performance.now();
    const json = this.#serialize(status);
    const cost = performance.now() - started;
    this.#windowMs = Math.min(MAX_COALESCE_MS, Math.max(this.#coalesceMs, cost / MAX_RENDER_SHARE));
    for (const listener of this.#listeners) listener(json);
  }

  #stopWatching(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#pending = undefined;
  }
}
