// What happened to a rollout, told once: the events GitHub statuses and notifications are made of.
// They are derived from consecutive status snapshots (diff-status.ts), never emitted by the runtime.

import type { ImageStatus, RolloutRecord } from '../contract/status-model.ts';
import type { ConfigError } from '../domain/types.ts';

export const LIFECYCLE_KINDS = [
  'started',
  'succeeded',
  'failed',
  'rolled-back',
  'blocked',
  /** Reserved: no approval gate exists yet, so the differ never emits it. */
  'approval-needed',
  'config-rejected',
  /** A rollout cut short by a reconcile error or a stop, without an outcome (it may resume later). */
  'interrupted',
] as const;
export type LifecycleKind = (typeof LIFECYCLE_KINDS)[number];

export interface RolloutStarted {
  kind: 'started';
  service: string;
  rolloutId: string;
  from: ImageStatus | null;
  to: ImageStatus;
  /** Config revision in force when the rollout started (a git sha in git mode). */
  configRevision: string | null;
  at: string;
}

export interface RolloutFinished {
  kind: 'succeeded' | 'failed' | 'rolled-back';
  service: string;
  rollout: RolloutRecord;
  /** One human sentence (the service's sync message when it speaks of this rollout). */
  message: string;
  at: string;
}

export interface ServiceBlocked {
  kind: 'blocked' | 'approval-needed';
  service: string;
  /** PascalCase sync reason, e.g. `DigestBlocked`, `NoMatchingImage`. */
  reason: string;
  message: string;
  at: string;
}

export interface ConfigRejected {
  kind: 'config-rejected';
  /** The rejected config revision (a git sha in git mode). */
  revision: string;
  errors: ConfigError[];
}

export interface RolloutInterrupted {
  kind: 'interrupted';
  service: string;
  rolloutId: string;
  to: ImageStatus;
  /** PascalCase sync reason left by the error (`ReconcileError`, `EcsThrottled`, ...), or `Interrupted`. */
  reason: string;
  message: string;
  at: string;
}

export type LifecycleEvent =
  | RolloutStarted
  | RolloutFinished
  | RolloutInterrupted
  | ServiceBlocked
  | ConfigRejected;
