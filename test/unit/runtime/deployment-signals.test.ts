import { describe, expect, it } from 'vitest';
import { DeploymentSignals } from '../../../deployer/runtime/deployment-signals.ts';
import { routeDeploymentEvent } from '../../../deployer/runtime/route-deployment-event.ts';
import { ServiceIndex } from '../../../deployer/runtime/service-index.ts';
import { actorsServiceConfig, FakeClock, silentLogger } from '../../support/fakes/index.ts';

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

describe('routeDeploymentEvent', () => {
  const index = new ServiceIndex([actorsServiceConfig()]);
  const event = (name: string) =>
    ({ kind: 'deployment-event', cluster: 'gitops', service: 'actors', event: name, at: '' }) as const;

  it('wakes a waiting rollout on COMPLETED or FAILED, not on IN_PROGRESS (its own start), and refreshes on every one', async () => {
    const signals = new DeploymentSignals();
    const refreshed: string[] = [];
    const route = routeDeploymentEvent({
      index: () => index,
      signals,
      logger: silentLogger,
      onEvent: (name) => refreshed.push(name),
    });
    const slot = { release: () => {} };
    const mark = signals.mark('gitops', 'actors');
    await route(event('SERVICE_DEPLOYMENT_IN_PROGRESS'), signal, slot);
    expect(signals.mark('gitops', 'actors')).toBe(mark);
    await route(event('SERVICE_DEPLOYMENT_COMPLETED'), signal, slot);
    await route(event('SERVICE_DEPLOYMENT_FAILED'), signal, slot);
    expect(signals.mark('gitops', 'actors')).toBe(mark + 2);
    expect(refreshed).toEqual(['actors', 'actors', 'actors']);
  });
});
