// Runs work one at a time per key inside this process. The FIFO message group already serialises
// reconciles of a service across replicas; this also orders them against in-process callers.
export class KeyedLock {
  readonly #tails = new Map<string, Promise<unknown>>();

  /** Work for `key` is running or queued. */
  busy(key: string): boolean {
    return this.#tails.has(key);
  }

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const current = previous.catch(() => undefined).then(work);
    const tail = current.catch(() => undefined);
    this.#tails.set(key, tail);
    try {
      return await current;
    } finally {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }
}
