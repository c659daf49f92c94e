import { describe, expect, it } from 'vitest';
import { SystemClock } from '../../../deployer/adapters/system-clock.ts';
import type { DeployerError } from '../../../deployer/domain/errors.ts';

describe('SystemClock', () => {
  it('sleep(30) waits about 30 ms', async () => {
    const clock = new SystemClock();
    const started = clock.now().getTime();
    await clock.sleep(30, new AbortController().signal);
    expect(clock.now().getTime() - started).toBeGreaterThanOrEqual(25);
  });

  it('sleep ends early with ABORTED when the signal fires', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 10);
    const started = Date.now();
    const error = (await new SystemClock()
      .sleep(10_000, controller.signal)
      .catch((e: unknown) => e)) as DeployerError;
    expect(error.code).toBe('ABORTED');
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
