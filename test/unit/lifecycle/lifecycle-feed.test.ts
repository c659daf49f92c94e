import { describe, expect, it } from 'vitest';
import type { DeployerStatus } from '../../../deployer/contract/status-model.ts';
import type { LifecycleEvent } from '../../../deployer/lifecycle/lifecycle-event.ts';
import { feedLifecycle } from '../../../deployer/lifecycle/lifecycle-feed.ts';
import { fakeDeployerStatus, fakeServiceStatus } from '../../support/fake-runtime.ts';

const base = fakeDeployerStatus({ services: [] });
const blocked = fakeDeployerStatus({
  services: [
    fakeServiceStatus('actors', {
      sync: { state: 'Failed', reason: 'NoMatchingImage', message: 'none', since: base.startedAt },
    }),
  ],
});

/** A status source whose notifications the test sends by hand. */
function manualSource() {
  let listener: (status: DeployerStatus) => void = () => {};
  return {
    source: {
      status: () => base,
      subscribe: (next: (status: DeployerStatus) => void) => {
        listener = next;
        return () => {};
      },
    },
    push: (status: DeployerStatus) => listener(status),
  };
}

describe('feedLifecycle(source, listeners)', () => {
  it('diffs each snapshot against the one before, from the status at subscription', () => {
    const { source, push } = manualSource();
    const seen: LifecycleEvent[] = [];
    feedLifecycle(source, [(event) => seen.push(event)], () => {});
    push(blocked);
    push(blocked);
    expect(seen.map((e) => e.kind)).toEqual(['blocked']);
  });

  it('a listener that throws is reported and the others still hear the event', () => {
    const { source, push } = manualSource();
    const heard: string[] = [];
    const errors: unknown[] = [];
    feedLifecycle(
      source,
      [
        () => {
          throw new Error('broken reporter');
        },
        (event) => heard.push(event.kind),
      ],
      (error) => errors.push(error),
    );
    expect(() => push(blocked)).not.toThrow();
    expect(heard).toEqual(['blocked']);
    expect(errors).toHaveLength(1);
  });
});
