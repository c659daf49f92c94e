// The subscribers of the status (dashboard live updates): a burst of changes makes one notification per
// microtask turn, with one snapshot, and a broken subscriber (a closed SSE stream) never breaks the runtime.
export class StatusListeners<T> {
  readonly #listeners = new Set<(value: T) => void>();
  #scheduled = false;

  add(listener: (value: T) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Something changed: notify once this turn with what `snapshot` returns then. */
  changed(snapshot: () => T): void {
    if (this.#scheduled || this.#listeners.size === 0) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      const value = snapshot();
      for (const listener of this.#listeners) {
        try {
          listener(value);
        } catch {
          // Its own problem: the others are still told.
        }
      }
    });
  }
}
