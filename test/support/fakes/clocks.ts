// The clocks of the test kit. FakeClock is virtual time for unit tests (a sleep costs nothing);
// SteppedClock is virtual time the test moves sleep by sleep, to change the world between two polls;
// FastClock is real time with short sleeps cut short, for benchmarks that measure real durations.
import type { Clock } from '../../../deployer/ports.ts';

/**
 * Virtual time: sleep() advances it at once (yielding to the event loop), so waits cost nothing;
 * every() ticks as virtual time passes its due times.
 */
export class FakeClock implements Clock {
  #now: number;
  readonly #timers = new Set<{ ms: number; due: number; tick: () => void; signal: AbortSignal }>();
  constructor(start = Date.parse('2026-01-01T00:00:00Z')) {
    this.#now = start;
  }
  now(): Date {
    return new Date(this.#now);
  }
  advance(ms: number): void {
    this.#now += ms;
    for (const timer of this.#timers) {
      if (timer.signal.aborted) this.#timers.delete(timer);
      else
        while (timer.due <= this.#now && !timer.signal.aborted) {
          timer.due += timer.ms;
          timer.tick();
        }
    }
  }
  async sleep(ms: number, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    await new Promise((resolve) => setImmediate(resolve));
    signal.throwIfAborted();
    this.advance(ms);
  }
  every(ms: number, tick: () => void, signal: AbortSignal): void {
    if (!signal.aborted) this.#timers.add({ ms: Math.max(1, ms), due: this.#now + ms, tick, signal });
  }
}

/**
 * Virtual time moved by the test: sleep() waits until the test calls wake(), which advances the time by
 * that sleep's length. asleep() resolves once the code under test sleeps, so a test acts between two
 * polls of a loop without timing anything.
 */
export class SteppedClock extends FakeClock {
  readonly #sleepers: Array<{ ms: number; resolve: () => void }> = [];
  readonly #watchers: Array<() => void> = [];

  override sleep(ms: number, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    return new Promise((resolve, reject) => {
      const sleeper = { ms, resolve };
      this.#sleepers.push(sleeper);
      signal.addEventListener(
        'abort',
        () => {
          const index = this.#sleepers.indexOf(sleeper);
          if (index === -1) return;
          this.#sleepers.splice(index, 1);
          reject(signal.reason);
        },
        { once: true },
      );
      for (const watcher of this.#watchers.splice(0)) watcher();
    });
  }

  /** Resolves when something sleeps (at once if something already does). */
  async asleep(): Promise<void> {
    if (this.#sleepers.length === 0) await new Promise<void>((resolve) => this.#watchers.push(resolve));
  }

  /** Ends the oldest sleep, advancing the time by its length. */
  wake(): void {
    const sleeper = this.#sleepers.shift();
    if (!sleeper) throw new Error('SteppedClock.wake(): nothing is asleep; await asleep() first');
    this.advance(sleeper.ms);
    sleeper.resolve();
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

  every(ms: number, tick: () => void, signal: AbortSignal): void {
    if (signal.aborted) return;
    const timer = setInterval(tick, ms <= this.#fastBelowMs ? Math.max(1, this.#sleepMs) : ms);
    timer.unref();
    signal.addEventListener('abort', () => clearInterval(timer), { once: true });
  }
}
