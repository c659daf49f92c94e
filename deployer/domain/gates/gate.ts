// Whether a rollout that would start may start now: the gates of one service (a manual approval per
// digest, sync windows) judged from the clock's now. Pure. Order: a rejection blocks the digest; an
// approval a human still owes holds it; then the windows hold it unless a manual sync overrides them.
import type { ApprovalRecord } from './approval.ts';
import { type SyncWindow, type WindowState, windowState } from './sync-window.ts';

export interface GateInput {
  digest: string;
  approval: 'manual' | 'none';
  windows: readonly SyncWindow[];
  /** The newest approval or rejection recorded for the service (any digest). */
  record: ApprovalRecord | undefined;
  now: Date;
  /** A manual `sync --override-window`: start even when the windows are closed. */
  overrideWindow: boolean;
}

export type GateVerdict =
  | { kind: 'allowed'; overridden?: Extract<WindowState, { open: false }> }
  | { kind: 'rejected'; by: string }
  | { kind: 'pending-approval' }
  | { kind: 'outside-window'; state: Extract<WindowState, { open: false }> };

export function evaluateGates(input: GateInput): GateVerdict {
  const { record, digest } = input;
  const decided = record?.digest === digest ? record : undefined;
  if (decided?.verdict === 'Rejected') return { kind: 'rejected', by: decided.by };
  if (input.approval === 'manual' && decided?.verdict !== 'Approved') return { kind: 'pending-approval' };
  const state = windowState(input.windows, input.now);
  if (state.open) return { kind: 'allowed' };
  if (input.overrideWindow) return { kind: 'allowed', overridden: state };
  return { kind: 'outside-window', state };
}

/** One sentence on why the windows hold a rollout, e.g. for the status message. */
export function describeClosedWindow(state: Extract<WindowState, { open: false }>): string {
  const { window } = state;
  const which = window
    ? `${window.kind} window "${window.schedule}" (${window.duration}, ${window.timeZone})`
    : 'its windows';
  const why =
    state.cause === 'deny' ? `inside deny ${which.replace(/^deny /, '')}` : `outside every allow window`;
  const when = state.opensAt ? `may start at ${state.opensAt.toISOString()}` : 'no opening within 31 days';
  return `${why}; ${when} (or sync --override-window)`;
}
