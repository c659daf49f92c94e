import { describe, expect, it } from 'vitest';
import type { DeployerStatus } from '../../../deployer/contract/status-model.ts';
import { GitHubActivity } from '../../../deployer/github/github-activity.ts';
import { withGitHubActivity } from '../../../deployer/github/status-with-github.ts';
import { createFakeRuntime, fakeDeployerStatus, fakeServiceStatus } from '../../support/fake-runtime.ts';

const deployment = {
  id: 7,
  rolloutId: 'r1',
  state: 'success',
  sha: 'a'.repeat(40),
  description: '1.1.0 is live',
  url: 'https://github.com/o/r/deployments/actors',
  updatedAt: '2026-12-01T10:00:00.000Z',
};

describe('withGitHubActivity(runtime, activity)', () => {
  it('adds each service its GitHub activity in status(), serviceStatus() and to subscribers, on either change', () => {
    const runtime = createFakeRuntime({
      status: fakeDeployerStatus({ services: [fakeServiceStatus('actors'), fakeServiceStatus('web')] }),
    });
    const activity = new GitHubActivity();
    const seen: DeployerStatus[] = [];
    const decorated = withGitHubActivity(runtime, activity);
    const unsubscribe = decorated.subscribe((status) => seen.push(status));

    expect(decorated.status().services.map((s) => s.github)).toEqual([undefined, undefined]);
    activity.deployment('actors', deployment);
    expect(seen.at(-1)?.services.find((s) => s.name === 'actors')?.github).toEqual({ deployment });
    expect(decorated.serviceStatus('actors')?.github).toEqual({ deployment });
    expect(decorated.serviceStatus('web')).not.toHaveProperty('github');

    runtime.updateService('web', { suspended: true });
    expect(seen.at(-1)?.services.find((s) => s.name === 'actors')?.github).toEqual({ deployment });
    expect(seen).toHaveLength(2);

    unsubscribe();
    activity.deployment('web', deployment);
    expect(seen).toHaveLength(2);
    expect(runtime.subscriberCount()).toBe(0);
  });
});
