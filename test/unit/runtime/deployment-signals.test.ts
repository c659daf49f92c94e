import { describe, expect, it } from 'vitest';
import { DeploymentSignals } from '../../../deployer/runtime/deployment-signals.ts';
import { FakeClock } from '../../support/fakes/index.ts';

const signal = new AbortController().signal;

describe('DeploymentSignals', () => {
  it('wait() is woken by an event about its service, by name or ARN, and says so', async () => {
    const signals = new DeploymentSignals();
    const clock = new FakeClock();
    const mark = signals.mark('gitops', 'actors');
    const waiting = signals.wait('gitops', 'actors', mark, 3_600_000, clock, signal);
    expect(signals.notify('arn:aws:ecs:r:1:cluster/gitops', 'arn:aws:ecs:r:1:service/gitops/actors')).toBe(1);
    await expect(waiting).resolves.toBe(true);
  });

  it('an event that came between the mark and the wait still wakes it (none is missed)', async () => {
    const signals = new DeploymentSignals();
    const mark = signals.mark('gitops', 'actors');
    signals.notify('gitops', 'actors');
    await expect(signals.wait('gitops', 'actors', mark, 3_600_000, new FakeClock(), signal)).resolves.toBe(
      true,
    );
  });

  it('an event about another service does not wake it: the fallback poll ends the wait', async () => {
    const signals = new DeploymentSignals();
    const clock = new FakeClock();
    const waiting = signals.wait('gitops', 'actors', signals.mark('gitops', 'actors'), 30_000, clock, signal);
    expect(signals.notify('gitops', 'web')).toBe(0);
    await expect(waiting).resolves.toBe(false);
  });

  it('wait() rejects when the caller aborts', async () => {
    const signals = new DeploymentSignals();
    const controller = new AbortController();
    controller.abort(new Error('stopping'));
    await expect(
      signals.wait('gitops', 'actors', 0, 30_000, new FakeClock(), controller.signal),
    ).rejects.toThrow();
  });
});
