// Status fixtures for dashboard tests (an actors service that is OutOfSync between two known digests),
// served by the shared in-memory runtime of test/support.

import type { DeployerStatus, ServiceStatus } from '../../../deployer/contract/status-model.ts';
import { createFakeRuntime, type FakeRuntime } from '../../support/fake-runtime.ts';

export const DIGEST_A = `sha256:${'a'.repeat(64)}`;
export const DIGEST_B = `sha256:${'b'.repeat(64)}`;
export const DIGEST_C = `sha256:${'c'.repeat(64)}`;
export const REPO = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/actors';

export function serviceStatus(overrides: Partial<ServiceStatus> = {}): ServiceStatus {
  return {
    name: 'actors',
    desired: {
      image: `${REPO}@${DIGEST_B}`,
      digest: DIGEST_B,
      tag: '1.1.0',
      reason: 'highest match for ^1.0.0',
      policy: { semver: '^1.0.0' },
    },
    live: {
      image: `${REPO}@${DIGEST_A}`,
      digest: DIGEST_A,
      taskDefinitionArn: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/actors:7',
    },
    sync: {
      state: 'OutOfSync',
      reason: 'NewImage',
      message: 'a newer image matches the policy',
      since: '2026-11-25T17:00:00.000Z',
    },
    suspended: false,
    currentRollout: null,
    recentRollouts: [],
    failedDigests: [],
    events: [],
    lastReconciledAt: '2026-11-25T17:00:01.000Z',
    tasks: { desired: 2, running: 2, pending: 0, observedAt: '2026-11-25T17:00:01.000Z' },
    ...overrides,
  };
}

export function deployerStatus(overrides: Partial<DeployerStatus> = {}): DeployerStatus {
  return {
    mode: 'local',
    version: '0.1.0',
    startedAt: '2026-11-25T16:59:00.000Z',
    config: {
      revision: 'abc123def4567890',
      lastAppliedRevision: 'abc123def4567890',
      headRevision: null,
      readAt: null,
      lastAttemptedRevision: 'abc123def4567890',
      errors: [],
    },
    queue: { visible: 0, inFlight: 1 },
    services: [serviceStatus()],
    ...overrides,
  };
}

/** The shared fake runtime (test/support/fake-runtime.ts) holding `status`. */
export function fakeRuntime(status: DeployerStatus = deployerStatus()): FakeRuntime {
  return createFakeRuntime({ status });
}
