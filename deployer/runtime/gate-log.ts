// The log lines of the gates (domain/gates) for one reconcile's decision, and the gate its status shows.
import type { Logger } from 'pino';
import type { GateStatus, ServiceStatus } from '../contract/status-model.ts';
import type { Decision } from '../domain/decide.ts';

/** Logs a hold, a rejection or a window override; returns the gate to show (null: none holds). */
export function logGates(
  decision: Decision,
  overrideWindowBy: string | undefined,
  log: Logger,
  update: (change: (service: ServiceStatus) => void) => void,
): void {
  const gate = gateOf(decision, overrideWindowBy, log);
  // Shown at once, as observation.ts shows desired and live; null: no gate holds.
  update((service) => {
    if (gate) service.gate = gate;
    else delete service.gate;
  });
}

function gateOf(decision: Decision, overrideWindowBy: string | undefined, log: Logger): GateStatus | null {
  switch (decision.kind) {
    case 'held':
      log.info({ digest: decision.gate.digest, reason: decision.gate.reason }, 'rollout held by a gate');
      return decision.gate;
    case 'rejected':
      log.info(
        { digest: decision.plan.to.digest, by: decision.by },
        'rollout skipped: the digest was rejected',
      );
      return null;
    case 'rollout':
      if (decision.overriddenWindow)
        log.warn(
          { digest: decision.plan.to.digest, by: overrideWindowBy, window: decision.overriddenWindow },
          'rollout started outside its sync window: manual sync --override-window',
        );
      return null;
    default:
      return null;
  }
}
