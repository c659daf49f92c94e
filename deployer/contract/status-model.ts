// The status the deployer reports (GET /status, the dashboard, the CLI). JSON-safe: timestamps are ISO 8601 strings.
// It is a cache rebuilt on start from ECS (task definition tags carry rollout id, commit, digest, result):
// nothing that matters lives only here.
import type { KnownFailure } from '../domain/decide.ts';
import type { RolloutTrigger } from '../domain/rollout-trigger.ts';
import type { ConfigError, TrackPolicy } from '../domain/types.ts';
import type { StrategyProgress } from './strategy-progress.ts';

export type { RolloutTrigger, StrategyProgress };

export const SYNC_STATES = [
  'Synced',
  'OutOfSync',
  'Progressing',
  'Degraded',
  'Failed',
  'Suspended',
  'Unknown',
] as const;
export type SyncState = (typeof SYNC_STATES)[number];

export const ROLLOUT_STEPS = [
  'Registering',
  'Updating',
  'Waiting',
  'Verifying',
  'Invalidating',
  'RollingBack',
] as const;
export type RolloutStep = (typeof ROLLOUT_STEPS)[number];

/** Argo CD's health: is what runs healthy (whatever it runs)? */
export const HEALTH_STATES = ['Healthy', 'Progressing', 'Degraded', 'Missing', 'Unknown'] as const;
export type HealthState = (typeof HEALTH_STATES)[number];

/** Argo CD's sync status: is what runs what git wants? (`sync.state` says what the deployer last did.) */
export const DRIFT_STATES = ['Synced', 'OutOfSync', 'Unknown'] as const;
export type DriftState = (typeof DRIFT_STATES)[number];

export const ROLLOUT_RESULTS = ['Succeeded', 'Failed', 'RolledBack'] as const;
export type RolloutResult = (typeof ROLLOUT_RESULTS)[number];

export type DeployerMode = 'local' | 'aws';

/** An image as a rollout sees it: where it moved from and to. */
export interface ImageStatus {
  image: string;
  digest?: string;
  tag?: string;
  /** Task definition revision that runs (ran) this image, when known: the target of a rollback. */
  taskDefinitionArn?: string;
}

export interface DesiredStatus {
  /** Full repository URI with tag or digest. */
  image: string;
  digest: string;
  tag?: string;
  /** Why this image was chosen, e.g. `pinned to 1.0.0` or `highest match for ^1`. */
  reason: string;
  /** The pin, or the tracking policy from config. */
  policy: { pin: string } | TrackPolicy;
  /**
   * With both a pin and a `track` policy in config: the newer image the policy would run, held back
   * by the pin (absent when they agree). Removing the pin resumes tracking.
   */
  heldByPin?: { digest: string; tag?: string; track: TrackPolicy };
}

export interface LiveStatus {
  image: string;
  digest?: string;
  /** A registry tag of the live digest (ECS only knows `repo@digest`), so the live image keeps its name. */
  tag?: string;
  taskDefinitionArn: string;
}

export interface SyncStatus {
  state: SyncState;
  /** PascalCase, stable, machine-readable, e.g. `RolloutSucceeded`, `VerifyTimeout`, `DigestBlocked`. */
  reason: string;
  /** One human sentence. */
  message: string;
  /** When the state last changed. */
  since: string;
}

export interface CurrentRollout {
  id: string;
  step: RolloutStep;
  /** While rolling back: the forward step that failed (the steps after it never ran). */
  failedStep?: RolloutStep;
  startedAt: string;
  from: ImageStatus | null;
  to: ImageStatus;
  /** What caused it (a push with its commit and author, an operator's token...), when known. */
  trigger?: RolloutTrigger;
  /** While Verifying: how the probes are going (updated after every probe). */
  verify?: VerifyProgress;
  /** While ECS shifts traffic (rollout.strategy blue-green, linear, canary): its phase and our probes. */
  strategy?: StrategyProgress;
}

/** Live progress of the verification step (deployer/runtime/rollout/verify.ts). */
export interface VerifyProgress {
  url: string;
  /** Probes sent so far (n of `maxProbes`). */
  probe: number;
  /** The most probes that fit before the deadline at the configured interval. */
  maxProbes: number;
  /** Good answers in a row so far, of `successesNeeded`. */
  streak: number;
  successesNeeded: number;
  /** The digest the rollout waits to see reported. */
  expectedDigest: string;
  /** HTTP status of the last answer; absent when the last probe got no answer. */
  lastStatus?: number;
  /** The digest the last answer reported, when it reported one. */
  lastDigest?: string;
  /** The last answer in words: `HTTP 200, reports the new digest`, `connection refused`. */
  lastAnswer: string;
  /** When verification gives up (VerifyTimeout): time left = deadline - now. */
  deadline: string;
}

/** A stopped task of a failed rollout, as ECS described it (DescribeTasks). */
export interface StoppedTaskStatus {
  taskArn: string;
  taskId: string;
  stoppedReason: string;
  stopCode?: string;
  stoppedAt?: string;
  containers: { name: string; exitCode?: number; reason?: string }[];
  /** The last lines the service's container wrote (CloudWatch Logs; the process's stderr locally). */
  logLines: string[];
  /** Where those lines come from (awslogs); `url` opens the stream in the CloudWatch console (aws mode). */
  logs?: { group: string; stream: string; url?: string };
  /** The task in the ECS console (aws mode). */
  url?: string;
}

/** Why the last rollout of a service failed: its stopped tasks, their exit codes and last log lines. */
export interface RolloutFailureStatus {
  rolloutId: string;
  digest: string;
  /** The failure reason (`DeploymentFailed`, `RolloutTimeout`). */
  reason: string;
  at: string;
  taskDefinitionArn: string;
  /** Newest first, at most three. */
  stoppedTasks: StoppedTaskStatus[];
  /** The service's deployments in the ECS console (aws mode). */
  deploymentsUrl?: string;
  /** What could not be read while explaining the failure (a missing permission, no awslogs prefix). */
  notes: string[];
}

export interface RolloutRecord {
  id: string;
  from: ImageStatus | null;
  to: ImageStatus;
  result: RolloutResult;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  /** PascalCase reason, e.g. `RolloutSucceeded`, `DeploymentFailed`, `VerifyTimeout`. */
  reason: string;
  /** Config revision (git commit or content hash) the rollout was planned from. */
  configRevision: string;
  taskDefinitionArn?: string;
  /** What caused it, when known (revisions written before triggers were recorded have none). */
  trigger?: RolloutTrigger;
}

/** A digest not retried until the desired image changes or a manual sync: the failure decide.ts knows. */
export type FailedDigest = KnownFailure;

export interface ServiceEvent {
  id: string;
  createdAt: string;
  message: string;
}

/** A rollout that would start and a gate holds (domain/gates): approval, or a sync window. */
export interface GateStatus {
  reason: 'PendingApproval' | 'OutsideWindow';
  /** The digest held; `approve` approves this one. */
  digest: string;
  message: string;
  /** OutsideWindow: when a rollout may start next, if within the look-ahead. */
  opensAt?: string;
}

/** Task counts of the ECS service, from the last DescribeServices. */
export interface TaskCounts {
  desired: number;
  running: number;
  pending: number;
  /** When ECS was asked. */
  observedAt: string;
}

export interface HealthStatus {
  state: HealthState;
  /** One human sentence, e.g. `2 of 2 tasks running`. */
  message: string;
}

export interface DriftStatus {
  state: DriftState;
  /** Why it differs, e.g. `rolled back: VerifyTimeout`; empty when Synced. */
  message: string;
}

/** The service's latest GitHub deployment (a rollout of a config commit) and its state. */
export interface GitHubDeploymentStatus {
  id: number;
  rolloutId: string;
  /** GitHub deployment status state: in_progress, success, failure, error, ... */
  state: string;
  /** The config commit deployed. */
  sha: string;
  description: string;
  /** The environment's deployments page on GitHub. */
  url: string;
  updatedAt: string;
}

/** The pull request pinning the version a rollback returned to (GITHUB_PIN_PULL_REQUESTS). */
export interface PinPullRequestStatus {
  number: number;
  url: string;
  digest: string;
  tag?: string;
  openedAt: string;
}

/** What the deployer did in GitHub for this service since it started (GitHub keeps the record). */
export interface ServiceGitHubStatus {
  deployment?: GitHubDeploymentStatus;
  pinPullRequest?: PinPullRequestStatus;
}

export interface ServiceStatus {
  name: string;
  desired: DesiredStatus | null;
  live: LiveStatus | null;
  sync: SyncStatus;
  /** Runtime override (POST /api/services/:service/suspend); durable suspension belongs in config. */
  suspended: boolean;
  currentRollout: CurrentRollout | null;
  /** Newest first, bounded. */
  recentRollouts: RolloutRecord[];
  failedDigests: FailedDigest[];
  /** Recent ECS service events, newest first, bounded. */
  events: ServiceEvent[];
  lastReconciledAt: string | null;
  /** Present while a gate holds a rollout (absent otherwise). */
  gate?: GateStatus;
  /** Optional for older deployers; service-health.ts derives both from the fields above. */
  health?: HealthStatus;
  drift?: DriftStatus;
  tasks?: TaskCounts | null;
  /** Why the newest failed rollout failed, until a rollout of the service succeeds. */
  lastFailure?: RolloutFailureStatus;
  /** Present when GitHub reporting is on and the deployer did something in GitHub for the service. */
  github?: ServiceGitHubStatus;
  pipeline?: import('./pipeline-status.ts').PipelineStatus; // config `environments`: one of a pipeline
}

export interface ConfigStatus {
  /** Revision of the config currently in force (null before the first valid load). */
  revision: string | null;
  lastAppliedRevision: string | null;
  lastAttemptedRevision: string | null;
  /** Errors of the last attempted revision when it was rejected; empty when it was applied. */
  errors: ConfigError[];
  /** Revision at the source (the directory on disk, the branch head) when it was last read. */
  headRevision: string | null;
  /** When the source was last read (start, watch, push, resync, refresh, sync). */
  readAt: string | null;
}

export interface QueueStatus {
  visible: number | null;
  inFlight: number | null;
}

export interface DeployerStatus {
  mode: DeployerMode;
  version: string;
  startedAt: string;
  config: ConfigStatus;
  queue: QueueStatus;
  services: ServiceStatus[];
}
