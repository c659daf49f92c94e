import { describe, expect, it } from 'vitest';
import { driftOf, healthLine, healthOf } from '../../../deployer/contract/service-health.ts';
import type { ServiceStatus } from '../../../deployer/contract/status-model.ts';
import { FAKE_DIGEST_V1, FAKE_DIGEST_V2, fakeServiceStatus } from '../../support/fake-runtime.ts';

const tasks = (running: number, desired: number, pending = 0) => ({
  tasks: { running, desired, pending, observedAt: 't' },
});
const wantsV2 = (over: Partial<ServiceStatus> = {}): ServiceStatus => {
  const base = fakeServiceStatus('actors', over);
  return {
    ...base,
    desired: { ...(base.desired as NonNullable<ServiceStatus['desired']>), digest: FAKE_DIGEST_V2 },
  };
};
const rolledBack = {
  sync: { state: 'Failed' as const, reason: 'VerifyTimeout', message: 'm', since: 's' },
  recentRollouts: [
    {
      id: 'ro',
      from: { image: 'x', digest: FAKE_DIGEST_V1 },
      to: { image: 'y', digest: FAKE_DIGEST_V2 },
      result: 'RolledBack' as const,
      startedAt: 'a',
      finishedAt: 'b',
      durationMs: 5,
      reason: 'VerifyTimeout',
      configRevision: 'c',
    },
  ],
};

describe('healthOf and driftOf', () => {
  it.each([
    ['all tasks running, desired image live', fakeServiceStatus('a', tasks(2, 2)), 'Healthy · Synced'],
    [
      'rolled back to the previous version',
      wantsV2(rolledBack),
      'Healthy · OutOfSync (rolled back: VerifyTimeout)',
    ],
    [
      'DigestBlocked after a rollback (the next reconcile)',
      wantsV2({
        sync: { state: 'Failed', reason: 'DigestBlocked', message: 'm', since: 's' },
        failedDigests: [
          { digest: FAKE_DIGEST_V2, reason: 'DeploymentFailed', failedAt: 'f', rolloutId: 'r' },
        ],
      }),
      'Healthy · OutOfSync (rolled back: DeploymentFailed)',
    ],
    ['fewer tasks than desired, none starting', fakeServiceStatus('a', tasks(1, 2)), 'Degraded · Synced'],
    [
      'fewer tasks than desired, some starting',
      fakeServiceStatus('a', tasks(1, 2, 1)),
      'Progressing · Synced',
    ],
    [
      'a failed revision left running',
      fakeServiceStatus('a', {
        sync: { state: 'Degraded', reason: 'VerifyTimeout', message: 'm', since: 's' },
      }),
      'Degraded · Synced',
    ],
    ['a new image not rolled out yet', wantsV2(), 'Healthy · OutOfSync (RolloutSucceeded)'],
    ['suspended on an older image', wantsV2({ suspended: true }), 'Healthy · OutOfSync (suspended)'],
    [
      'ECS not read yet',
      fakeServiceStatus('a', { live: null, tasks: null }),
      'Unknown · Unknown (live image not read yet)',
    ],
    [
      'no desired image',
      fakeServiceStatus('a', { desired: null }),
      'Healthy · Unknown (no desired image chosen)',
    ],
  ])('%s reads %s', (_name, service, line) => {
    expect(healthLine({ ...service, health: undefined, drift: undefined })).toBe(line);
  });

  it('a rollout in progress is Progressing, a rollback says after which step', () => {
    const rollout = { id: 'r', startedAt: 's', from: null, to: { image: 'y', digest: FAKE_DIGEST_V2 } };
    expect(healthOf(wantsV2({ currentRollout: { ...rollout, step: 'Verifying' } }))).toEqual({
      state: 'Progressing',
      message: 'rolling out: Verifying',
    });
    const back = wantsV2({ currentRollout: { ...rollout, step: 'RollingBack', failedStep: 'Waiting' } });
    expect(healthOf(back).message).toBe('rolling back after Waiting failed');
    expect(driftOf(back)).toEqual({ state: 'OutOfSync', message: 'rollout in progress' });
  });
});
