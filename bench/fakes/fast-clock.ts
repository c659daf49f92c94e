// A Clock whose short sleeps (polling loops, backoff: up to `fastBelowMs`) take only `sleepMs` of real
// time, so the deployer runs at full speed in benchmarks; long sleeps (resync timers) stay real, and
// now() is the real time so durations stay meaningful.
import type { Clock } from '../../deployer/ports.ts';

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

  every(ms: number, tick: () => void, signal: AbortSignal): void {
    if (signal.aborted) return;
    const timer = setInterval(tick, ms <= this.#fastBelowMs ? Math.max(1, this.#sleepMs) : ms);
    timer.unref();
    signal.addEventListener('abort', () => clearInterval(timer), { once: true });
  }
}
