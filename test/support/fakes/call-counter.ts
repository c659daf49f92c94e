// Counts port calls by operation (and by service, where a call names one) so benchmarks can report
// API calls per service per pass. This measures the deployer's behaviour, not the fakes' speed.

export class CallCounter {
  readonly #byOperation = new Map<string, number>();
  readonly #byService = new Map<string, number>();

  record(operation: string, service?: string): void {
    this.#byOperation.set(operation, (this.#byOperation.get(operation) ?? 0) + 1);
    if (service !== undefined) this.#byService.set(service, (this.#byService.get(service) ?? 0) + 1);
  }

  count(operation: string): number {
    return this.#byOperation.get(operation) ?? 0;
  }

  total(): number {
    let sum = 0;
    for (const value of this.#byOperation.values()) sum += value;
    return sum;
  }

  byOperation(): Record<string, number> {
    return Object.fromEntries([...this.#byOperation].sort(([a], [b]) => a.localeCompare(b)));
  }

  /** Calls since `before` (an earlier byOperation() snapshot), by operation. */
  since(before: Record<string, number>): Record<string, number> {
    const delta: Record<string, number> = {};
    for (const [operation, value] of Object.entries(this.byOperation())) {
      const diff = value - (before[operation] ?? 0);
      if (diff > 0) delta[operation] = diff;
    }
    return delta;
  }

  reset(): void {
    this.#byOperation.clear();
    this.#byService.clear();
  }
}

/** Total of a byOperation() map. */
export function sumCalls(calls: Record<string, number>): number {
  return Object.values(calls).reduce((sum, value) => sum + value, 0);
}
