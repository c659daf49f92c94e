import { describe, expect, it } from 'vitest';
import type {
  CurrentRollout,
  DeployerStatus,
  RolloutRecord,
  ServiceStatus,
  SyncStatus,
} from '../../../deployer/contract/status-model.ts';
import { diffStatus } from '../../../deployer/lifecycle/diff-status.ts';
import type { LifecycleEvent } from '../../../deployer/lifecycle/lifecycle-event.ts';
import { fakeDeployerStatus, fakeServiceStatus } from '../../support/fake-runtime.ts';

const SHA = 'a'.repeat(40);
const DIGEST = `sha256:${'b'.repeat(64)}`;
const OLD_DIGEST = `sha256:${'c'.repeat(64)}`;
const STARTED = '2026-12-01T10:00:00.000Z';

function status(services: ServiceStatus[], config: Partial<DeployerStatus['config']> = {}): DeployerStatus {
  return fakeDeployerStatus({
    startedAt: STARTED,
    config: {
      ...fakeDeployerStatus().config,
      revision: SHA,
      lastAppliedRevision: SHA,
      lastAttemptedRevision: SHA,
      ...config,
    },
    services,
  });
}

function service(sync: Partial<SyncStatus>, extra: Partial<ServiceStatus> = {}): ServiceStatus {
  return fakeServiceStatus('actors', {
    sync: { state: 'Synced', reason: 'UpToDate', message: 'up to date', since: STARTED, ...sync },
    ...extra,
  });
}

const current: CurrentRollout = {
  id: 'r1',
  step: 'Registering',
  startedAt: '2026-12-01T10:01:00.000Z',
  from: { image: 'actors@old', digest: OLD_DIGEST },
  to: { image: 'actors@new', digest: DIGEST, tag: '1.1.0' },
};

function record(
  result: RolloutRecord['result'],
  reason: string,
  extra: Partial<RolloutRecord> = {},
): RolloutRecord {
  return {
    id: 'r1',
    from: current.from,
    to: current.to,
    result,
    startedAt: '2026-12-01T10:01:00.000Z',
    finishedAt: '2026-12-01T10:02:00.000Z',
    durationMs: 60_000,
    reason,
    configRevision: SHA,
    ...extra,
  };
}

const progressing = { state: 'Progressing', reason: 'RolloutStarted', message: 'rolling out' } as const;

const cases: {
  name: string;
  prev: DeployerStatus;
  next: DeployerStatus;
  events: Partial<LifecycleEvent>[];
}[] = [
  {
    name: 'a rollout that appears is started, with the config revision in force',
    prev: status([service({})]),
    next: status([service(progressing, { currentRollout: current })]),
    events: [{ kind: 'started', service: 'actors', rolloutId: 'r1', configRevision: SHA, to: current.to }],
  },
  {
    name: 'a rollout moving to its next step is nothing new',
    prev: status([service(progressing, { currentRollout: current })]),
    next: status([service(progressing, { currentRollout: { ...current, step: 'Verifying' } })]),
    events: [],
  },
  {
    name: 'a succeeded record with the service synced is succeeded, with the sync message',
    prev: status([service(progressing, { currentRollout: current })]),
    next: status([
      service(
        { state: 'Synced', reason: 'RolloutSucceeded', message: '1.1.0 is served' },
        { recentRollouts: [record('Succeeded', 'RolloutSucceeded')] },
      ),
    ]),
    events: [
      {
        kind: 'succeeded',
        service: 'actors',
        message: '1.1.0 is served',
        rollout: record('Succeeded', 'RolloutSucceeded'),
      },
    ],
  },
  {
    name: 'a record written while the service is still Progressing waits for the sync to settle',
    prev: status([service(progressing, { currentRollout: current })]),
    next: status([
      service(progressing, {
        currentRollout: current,
        recentRollouts: [record('RolledBack', 'DeploymentFailed')],
      }),
    ]),
    events: [],
  },
  {
    name: 'a rolled-back rollout settles with the rollback message',
    prev: status([
      service(progressing, {
        currentRollout: current,
        recentRollouts: [record('RolledBack', 'DeploymentFailed')],
      }),
    ]),
    next: status([
      service(
        { state: 'Failed', reason: 'DeploymentFailed', message: 'failed to start; rolled back to actors:1' },
        { currentRollout: current, recentRollouts: [record('RolledBack', 'DeploymentFailed')] },
      ),
    ]),
    events: [{ kind: 'rolled-back', message: 'failed to start; rolled back to actors:1' }],
  },
  {
    name: 'a failed rollout without rollback is failed',
    prev: status([service(progressing, { currentRollout: current })]),
    next: status([
      service(
        { state: 'Degraded', reason: 'VerifyTimeout', message: 'verify timed out' },
        { recentRollouts: [record('Failed', 'VerifyTimeout')] },
      ),
    ]),
    events: [{ kind: 'failed', message: 'verify timed out' }],
  },
  {
    name: 'started and finished in one tick gives the finish only, with a message made from the record',
    prev: status([service({})]),
    next: status([
      service({ reason: 'UpToDate' }, { recentRollouts: [record('Succeeded', 'RolloutSucceeded')] }),
    ]),
    events: [{ kind: 'succeeded', message: '1.1.0 is live' }],
  },
  {
    name: 'records older than the deployer (rebuilt from ECS on start) are history, not events',
    prev: status([service({})]),
    next: status([
      service(
        {},
        {
          recentRollouts: [
            record('Succeeded', 'RolloutSucceeded', { finishedAt: '2026-11-30T09:00:00.000Z' }),
          ],
        },
      ),
    ]),
    events: [],
  },
  {
    name: 'a retried rollout with the same id but a new finish time is new',
    prev: status([
      service(
        { state: 'Failed', reason: 'DeploymentFailed' },
        { recentRollouts: [record('RolledBack', 'DeploymentFailed')] },
      ),
    ]),
    next: status([
      service(
        { state: 'Synced', reason: 'RolloutSucceeded', message: 'ok' },
        {
          recentRollouts: [
            record('Succeeded', 'RolloutSucceeded', { finishedAt: '2026-12-01T10:09:00.000Z' }),
          ],
        },
      ),
    ]),
    events: [{ kind: 'succeeded', message: 'ok' }],
  },
  {
    name: 'an operator rollback is rolled-back with its own message',
    prev: status([service({})]),
    next: status([
      service(
        { state: 'Suspended', reason: 'ManualRollback', message: 'rolling back by API' },
        {
          recentRollouts: [
            record('RolledBack', 'ManualRollback', {
              id: 'manual-x',
              to: { image: 'a', taskDefinitionArn: 'td:3' },
            }),
          ],
        },
      ),
    ]),
    events: [{ kind: 'rolled-back', message: 'rolled back to td:3 by an operator' }],
  },
  {
    name: 'entering a blocked reason is blocked',
    prev: status([service({ state: 'Failed', reason: 'DeploymentFailed' })]),
    next: status([service({ state: 'Failed', reason: 'DigestBlocked', message: 'sha256:b failed before' })]),
    events: [
      { kind: 'blocked', service: 'actors', reason: 'DigestBlocked', message: 'sha256:b failed before' },
    ],
  },
  {
    name: 'staying blocked is not blocked again',
    prev: status([service({ state: 'Failed', reason: 'NoMatchingImage' })]),
    next: status([service({ state: 'Failed', reason: 'NoMatchingImage', message: 'still none' })]),
    events: [],
  },
  {
    name: 'a new service that is blocked from the start is blocked',
    prev: status([]),
    next: status([service({ state: 'Failed', reason: 'ForeignImage', message: 'not ours' })]),
    events: [{ kind: 'blocked', reason: 'ForeignImage' }],
  },
  {
    name: 'a rejected config revision is config-rejected with its errors',
    prev: status([]),
    next: status([], {
      lastAttemptedRevision: 'f'.repeat(40),
      errors: [{ file: 'services/actors.yaml', line: 3, column: 1, field: 'image', message: 'bad' }],
    }),
    events: [
      { kind: 'config-rejected', revision: 'f'.repeat(40), errors: [expect.objectContaining({ line: 3 })] },
    ],
  },
  {
    name: 'the same rejected revision seen again is not rejected twice',
    prev: status([], {
      lastAttemptedRevision: 'f'.repeat(40),
      errors: [{ file: 'a', line: 1, column: 1, field: '', message: 'x' }],
    }),
    next: status([], {
      lastAttemptedRevision: 'f'.repeat(40),
      errors: [{ file: 'a', line: 1, column: 1, field: '', message: 'x' }],
    }),
    events: [],
  },
  {
    name: 'a reconcile error that clears the current rollout without a record is interrupted, with its reason',
    prev: status([service(progressing, { currentRollout: current })]),
    next: status([
      service({
        state: 'Progressing',
        reason: 'ReconcileError',
        message: 'ECS answered 500 (retrying)',
      }),
    ]),
    events: [
      {
        kind: 'interrupted',
        service: 'actors',
        rolloutId: 'r1',
        to: current.to,
        reason: 'ReconcileError',
        message: 'ECS answered 500 (retrying)',
      },
    ],
  },
  {
    name: 'a terminal error ending the rollout (Failed) is interrupted too',
    prev: status([service(progressing, { currentRollout: current })]),
    next: status([
      service({ state: 'Failed', reason: 'TaskDefinitionInvalid', message: 'no container "actors"' }),
    ]),
    events: [{ kind: 'interrupted', reason: 'TaskDefinitionInvalid', message: 'no container "actors"' }],
  },
  {
    name: 'a stop that leaves the rollout without a verdict is interrupted by the stop',
    prev: status([service(progressing, { currentRollout: current })]),
    next: status([service(progressing)]),
    events: [{ kind: 'interrupted', rolloutId: 'r1', reason: 'RolloutInterrupted' }],
  },
  {
    name: 'a rollout replaced by another before its record is interrupted, then the new one starts',
    prev: status([service(progressing, { currentRollout: current })]),
    next: status([
      service(progressing, {
        currentRollout: { ...current, id: 'r2', startedAt: '2026-12-01T10:03:00.000Z' },
      }),
    ]),
    events: [
      { kind: 'interrupted', rolloutId: 'r1', reason: 'RolloutReplaced' },
      { kind: 'started', rolloutId: 'r2' },
    ],
  },
  {
    name: 'the finish of a second rollout does not tell the first one again',
    prev: status([
      service(progressing, {
        currentRollout: { ...current, id: 'r2', startedAt: '2026-12-01T10:05:00.000Z' },
        recentRollouts: [record('Succeeded', 'RolloutSucceeded')],
      }),
    ]),
    next: status([
      service(
        { state: 'Failed', reason: 'DeploymentFailed', message: 'rolled back' },
        {
          recentRollouts: [
            record('RolledBack', 'DeploymentFailed', { id: 'r2', finishedAt: '2026-12-01T10:06:00.000Z' }),
            record('Succeeded', 'RolloutSucceeded'),
          ],
        },
      ),
    ]),
    events: [{ kind: 'rolled-back', rollout: expect.objectContaining({ id: 'r2' }) }],
  },
  {
    name: 'an identical snapshot has no events',
    prev: status([service(progressing, { currentRollout: current })]),
    next: status([service(progressing, { currentRollout: current })]),
    events: [],
  },
];

describe('diffStatus(prev, next)', () => {
  it.each(cases)('$name', ({ prev, next, events }) => {
    const actual = diffStatus(prev, next);
    expect(actual).toHaveLength(events.length);
    expect(actual).toEqual(events.map((e) => expect.objectContaining(e)));
  });

  it('orders a burst of finished records oldest first', () => {
    const first = record('RolledBack', 'DeploymentFailed', {
      id: 'r0',
      finishedAt: '2026-12-01T10:01:30.000Z',
    });
    const second = record('Succeeded', 'RolloutSucceeded');
    const events = diffStatus(
      status([service({})]),
      status([service({}, { recentRollouts: [second, first] })]),
    );
    expect(events.map((e) => e.kind)).toEqual(['rolled-back', 'succeeded']);
  });
});
