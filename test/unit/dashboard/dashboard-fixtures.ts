// Status fixtures and a minimal in-memory DeployerRuntime for dashboard and CLI tests.
import { Registry } from 'prom-client';
import type { DeployerRuntime } from '../../../deployer/runtime/runtime.ts';
import type { DeployerStatus, ServiceStatus } from '../../../deployer/runtime/status-model.ts';

export const DIGEST_A = `sha256:${'a'.repeat(64)}`;
export const DIGEST_B = `sha256:${'b'.repeat(64)}`;
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
      lastAttemptedRevision: 'abc123def4567890',
      errors: [],
    },
    queue: { visible: 0, inFlight: 1 },
    services: [serviceStatus()],
    ...overrides,
  };
}

export interface FakeRuntime extends DeployerRuntime {
  setStatus(status: DeployerStatus): void;
  readonly calls: Array<{ method: string; args: unknown[] }>;
  listenerCount(): number;
}

export function fakeRuntime(initial: DeployerStatus = deployerStatus()): FakeRuntime {
  let current = initial;
  const listeners = new Set<(status: DeployerStatus) => void>();
  const calls: Array<{ method: string; args: unknown[] }> = [];
  const record = (method: string, ...args: unknown[]) => calls.push({ method, args });
  return {
    calls,
    metrics: new Registry(),
    async start() {},
    async stop() {},
    ready: () => true,
    status: () => current,
    serviceStatus: (name) => current.services.find((s) => s.name === name),
    async enqueue(message) {
      record('enqueue', message);
      return { queued: true };
    },
    async sync(service) {
      record('sync', service);
    },
    async rollback(service, to) {
      record('rollback', service, to);
    },
    suspend(service) {
      record('suspend', service);
    },
    async resume(service) {
      record('resume', service);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    setStatus(status) {
      current = status;
      for (const listener of listeners) listener(status);
    },
    listenerCount: () => listeners.size,
  };
}
