// Argo CD's two questions, answered from the rest of a service's status (pure): is what runs healthy
// (health), and is it what git wants (drift)? `sync.state` keeps saying what the deployer last did: a
// rollout rolled back is `Failed` there, but the service runs the previous version healthily, so it
// reads `Healthy · OutOfSync (rolled back: VerifyTimeout)`, not as an outage.
import type { DriftStatus, HealthStatus, ServiceStatus } from './status-model.ts';

type Observed = Pick<
  ServiceStatus,
  'desired' | 'live' | 'sync' | 'suspended' | 'currentRollout' | 'recentRollouts' | 'failedDigests'
> & { tasks?: ServiceStatus['tasks'] };

export function healthOf(service: Observed): HealthStatus {
  const rollout = service.currentRollout;
  if (rollout) {
    const message =
      rollout.step === 'RollingBack'
        ? `rolling back${rollout.failedStep ? ` after ${rollout.failedStep} failed` : ''}`
        : `rolling out: ${rollout.step}`;
    return { state: 'Progressing', message };
  }
  if (!service.live) return { state: 'Unknown', message: 'ECS not read yet' };
  const tasks = service.tasks;
  if (tasks && tasks.running < tasks.desired) {
    const running = `${tasks.running} of ${tasks.desired} tasks running`;
    return tasks.pending > 0
      ? { state: 'Progressing', message: `${running}, ${tasks.pending} starting` }
      : { state: 'Degraded', message: running };
  }
  // A revision whose rollout failed is left running (rollback off, or the rollback failed too).
  if (service.sync.state === 'Degraded') return { state: 'Degraded', message: service.sync.message };
  if (!tasks) return { state: 'Unknown', message: 'task counts not read yet' };
  return { state: 'Healthy', message: `${tasks.running} of ${tasks.desired} tasks running` };
}

export function driftOf(service: Observed): DriftStatus {
  const { desired, live } = service;
  if (!desired) return { state: 'Unknown', message: 'no desired image chosen' };
  if (!live) return { state: 'Unknown', message: 'live image not read yet' };
  if (live.digest === desired.digest) return { state: 'Synced', message: '' };
  if (service.currentRollout) return { state: 'OutOfSync', message: 'rollout in progress' };
  const failed = service.failedDigests.find((f) => f.digest === desired.digest);
  const last = service.recentRollouts[0];
  if (last?.result === 'RolledBack' && last.to.digest === desired.digest)
    return { state: 'OutOfSync', message: `rolled back: ${last.reason}` };
  if (failed) return { state: 'OutOfSync', message: `rolled back: ${failed.reason}` };
  if (service.suspended || service.sync.state === 'Suspended')
    return { state: 'OutOfSync', message: 'suspended' };
  return { state: 'OutOfSync', message: service.sync.reason };
}

/** The service's health and drift: as sent, or derived (a deployer older than these fields). */
export function healthAndDrift(service: Observed & Pick<ServiceStatus, 'health' | 'drift'>): {
  health: HealthStatus;
  drift: DriftStatus;
} {
  return { health: service.health ?? healthOf(service), drift: service.drift ?? driftOf(service) };
}

/** `Healthy · OutOfSync (rolled back: VerifyTimeout)`: the one-line form of both. */
export function healthLine(service: Observed & Pick<ServiceStatus, 'health' | 'drift'>): string {
  const { health, drift } = healthAndDrift(service);
  return `${health.state} · ${drift.state}${drift.message ? ` (${drift.message})` : ''}`;
}
