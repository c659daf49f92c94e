// A RolloutContext over the fakes for tests of one rollout step: silent log, no ECS events, quiet callbacks.
import type { RolloutContext } from '../../deployer/runtime/rollout/rollout-context.ts';
import { FakeCdn, type FakeClock, type FakeEcs, FakeProbe, silentLogger } from './fakes/index.ts';

export function fakeRolloutContext(
  ecs: FakeEcs,
  clock: FakeClock,
  overrides: Partial<RolloutContext> & Pick<RolloutContext, 'service'>,
): RolloutContext {
  return {
    ecs,
    cdn: new FakeCdn(),
    probe: new FakeProbe(ecs),
    clock,
    log: silentLogger,
    signal: new AbortController().signal,
    waitPollMs: 1000,
    consoleLinks: false,
    onStep: () => undefined,
    onObserved: () => undefined,
    onVerifyProgress: () => undefined,
    ...overrides,
  };
}
