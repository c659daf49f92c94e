// The real clock. sleep() ends early, with ABORTED, when the signal fires (shutdown); every() stops then.
import { setTimeout as delay } from 'node:timers/promises';
import { DeployerError } from '../domain/errors.ts';
import type { Clock } from '../ports.ts';

export class SystemClock implements Clock {
  now(): Date {
    return new Date();
  }

  async sleep(ms: number, signal: AbortSignal): Promise<void> {
    try {
      await delay(Math.max(0, ms), undefined, { signal });
    } catch (error) {
      throw new DeployerError('ABORTED', 'sleep aborted', { cause: error });
    }
  }

  every(ms: number, tick: () => void, signal: AbortSignal): void {
    if (signal.aborted) return;
    const timer = setInterval(tick, ms);
    timer.unref();
    signal.addEventListener('abort', () => clearInterval(timer), { once: true });
  }
}
