// A rollout decide() would start, passed through the service's gates: started (perhaps overriding a
// closed window), held (PendingApproval, OutsideWindow) or rejected. Pure; decide.ts calls it last.
import { Reason } from '../reasons.ts';
import type { Plan, ServiceConfig } from '../types.ts';
import type { ApprovalRecord } from './approval.ts';
import { describeClosedWindow, evaluateGates } from './gate.ts';

type RolloutPlan = Extract<Plan, { kind: 'rollout' }>;

/** Why a gate holds a rollout that would start, for the status. */
export interface GateHold {
  reason: typeof Reason.PendingApproval | typeof Reason.OutsideWindow;
  digest: string;
  message: string;
  /** OutsideWindow: when a rollout may start next (ISO 8601), if within the look-ahead. */
  opensAt?: string;
}

export type GatedRollout =
  | { kind: 'rollout'; plan: RolloutPlan; overriddenWindow?: string }
  | { kind: 'held'; plan: RolloutPlan; gate: GateHold }
  | { kind: 'rejected'; plan: RolloutPlan; by: string };

export interface GateRolloutInput {
  config: ServiceConfig;
  plan: RolloutPlan;
  /** The clock's now; required when the service has windows. */
  now: Date | undefined;
  /** The newest approval or rejection known for the service. */
  record: ApprovalRecord | undefined;
  overrideWindow: boolean;
}

const short = (digest: string) => digest.slice(0, 19);

export function gateRollout(input: GateRolloutInput): GatedRollout {
  const { config, plan } = input;
  const windows = config.windows ?? [];
  if (windows.length > 0 && input.now === undefined)
    throw new Error('gateRollout() needs now to judge sync windows');
  const digest = plan.to.digest;
  const verdict = evaluateGates({
    digest,
    approval: config.approval ?? 'none',
    windows,
    record: input.record,
    // Without windows `now` is not read.
    now: input.now ?? new Date(0),
    overrideWindow: input.overrideWindow,
  });
  switch (verdict.kind) {
    case 'allowed':
      return verdict.overridden
        ? { kind: 'rollout', plan, overriddenWindow: describeClosedWindow(verdict.overridden) }
        : { kind: 'rollout', plan };
    case 'rejected':
      return { kind: 'rejected', plan, by: verdict.by };
    case 'pending-approval':
      return {
        kind: 'held',
        plan,
        gate: {
          reason: Reason.PendingApproval,
          digest,
          message: `${short(digest)} waits for approval: npx ecs-gitops approve ${config.name} (or reject)`,
        },
      };
    case 'outside-window':
      return {
        kind: 'held',
        plan,
        gate: {
          reason: Reason.OutsideWindow,
          digest,
          message: `${short(digest)} is held: ${describeClosedWindow(verdict.state)}`,
          ...(verdict.state.opensAt ? { opensAt: verdict.state.opensAt.toISOString() } : {}),
        },
      };
  }
}
