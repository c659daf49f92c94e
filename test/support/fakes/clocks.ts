// The two clocks of the test kit. FakeClock is virtual time for unit tests (a sleep costs nothing);
// FastClock is real time with short sleeps cut short, for benchmarks that measure real durations.
import type { Clock } from '../../../deployer/ports.ts';

/** Virtual time: sleep() advances it at once (after yielding to the event loop), so waits cost nothing. */
export class FakeClock implements Clock {
  #now: number;
  constructor(start = Date.parse('2026-01-01T00:00:00Z')) {
    this.#now = start;
  }
  now(): Date {
    return new Date(this.#now);
  }
  advance(ms: number): void {
    this.#now += ms;
  }
  async sleep(ms: number, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    await new Promise((resolve) => setImmediate(resolve));
    signal.throwIfAborted();
    this.#now += ms;
  }
}

/**
 * Real time whose short sleeps (polling loops, backoff: up to `fastBelowMs`) take only `sleepMs`, so
 * the deployer runs at full speed in benchmarks; long sleeps (resync timers) stay real.
 */
export class FastClock implements Clock {
  readonly #sleepMs: number;
  readonly #fastBelowMs: number;

  constructor(sleepMs = 0, fastBelowMs = 10_000) {
    this.#sleepMs = sleepMs;
    this.#fastBelowMs = fastBelowMs;
  }

  now(): Date {
    return new Date();
  }

  sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) {
        reject(signal.reason);
        return;
      }
      const timer = setTimeout(
        () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
        ms <= this.#fastBelowMs ? this.#sleepMs : ms,
      );
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
