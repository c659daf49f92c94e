// The shared vocabulary of the deployer: desired state, live state, events, plans. Pure data only.

import type { AnalysisSettings } from './analysis.ts';
import type { SyncWindow } from './gates/sync-window.ts';
import type { LiveDeploymentSettings, StrategySettings } from './rollout-strategy.ts';
import type { RolloutTrigger } from './rollout-trigger.ts';

export type { RolloutTrigger };

/** How a service chooses its image from the registry when it is not pinned. Exactly one key. */
export type TrackPolicy =
  | { semver: string; prerelease?: boolean }
  | { glob: string }
  | { regex: string }
  | { latest: true };

export interface VerifySettings {
  /** URL that returns a VersionReport (common/contract.ts). */
  url: string;
  /** When true, the response must report the digest being rolled out. */
  expectVersion: boolean;
  /** Consecutive successful probes required. */
  successes: number;
  intervalSeconds: number;
  timeoutSeconds: number;
}

export interface CdnSettings {
  distributionId: string;
  paths: string[];
}

export interface ServiceConfig {
  /** Unique name of the managed service; also the SQS message group `service:<name>`. */
  name: string;
  cluster: string;
  service: string;
  container: string;
  image: {
    /** ECR repository name or full URI (`<account>.dkr.ecr.<region>.amazonaws.com/<name>`). */
    repository: string;
    /** A tag or `sha256:` digest. Wins over `track`. */
    pin?: string;
    /** Defaults to `{ latest: true }` when neither pin nor track is given. */
    track: TrackPolicy;
    /**
     * Both `pin` and `track` are in the file: the pin holds the policy back (a rollback pinned in git),
     * and the status says what the policy would choose meanwhile. Removing the pin resumes tracking.
     */
    pinHoldsTrack?: true;
  };
  verify?: VerifySettings;
  cdn?: CdnSettings;
  rollout: {
    timeoutSeconds: number;
    rollback: boolean;
    /** How ECS rolls the service out (rollout-strategy.ts); absent: the deployer leaves that to the service. */
    strategy?: StrategySettings;
    /** What the strategy gate reads besides its probes (domain/analysis.ts); absent: nothing. */
    analysis?: AnalysisSettings;
  };
  suspended: boolean;
  /** `manual`: each new digest waits for `approve` (domain/gates); absent: none. */
  approval?: 'manual';
  /** Sync windows: when a rollout may start (domain/gates/sync-window.ts); absent: always. */
  windows?: SyncWindow[];
  /** Where this config came from, for error messages and status. */
  source: { file: string };
  /** One environment of a file with `environments` (its name is then `<file name>@<environment>`). */
  environment?: EnvironmentSettings;
}

/** `promote: { from, after, soakMinutes }` of an environment: where its image comes from. */
export interface PromoteSettings {
  /** The target promoted from, `actors@staging` (the file says `staging`). */
  from: string;
  /** What the upstream must have reached: `verified` (a rollout that passed verify). */
  after: 'verified';
  /** Minutes a digest must have run verified upstream before it moves on; 0: at once. */
  soakMinutes: number;
}

/** Where one environment of a pipeline runs (docs/config.md, "Environments and promotion"). */
export interface EnvironmentSettings {
  /** The environment's name in the file: `staging`. */
  name: string;
  /** The file's service name, shared by every environment: `actors`. */
  pipeline: string;
  /** The pipeline's environments in file order; the first follows `image.track`. */
  stages: string[];
  /** AWS Region of this environment's cluster; absent: the deployer's own. */
  region?: string;
  /** IAM role the deployer assumes (STS AssumeRole) for this environment's AWS calls; absent: its own. */
  roleArn?: string;
  /** Absent on the first environment (and on an environment that only pins). */
  promote?: PromoteSettings;
}

export interface DesiredState {
  /** Git commit (or content hash for a plain directory) the configs were read at. */
  revision: string;
  services: ServiceConfig[];
}

/** One problem in the config, pointing at the exact place to fix. Lines/columns are 1-based. */
export interface ConfigError {
  file: string;
  line: number;
  column: number;
  /** Dotted path of the field, e.g. `image.pin`; empty for whole-file problems. */
  field: string;
  message: string;
}

export type ConfigLoadResult =
  | { ok: true; state: DesiredState }
  | { ok: false; revision: string; errors: ConfigError[] };

/** A config file as read from disk or git: path relative to the config root, and its text. */
export interface ConfigFile {
  path: string;
  text: string;
}

export interface ImageRef {
  /** e.g. `123456789012.dkr.ecr.eu-west-1.amazonaws.com`; undefined for a bare repository name. */
  registry?: string;
  repository: string;
  tag?: string;
  /** `sha256:` + 64 lowercase hex. */
  digest?: string;
}

/** One image in a registry repository (an image may carry several tags, or none). */
export interface RegistryImage {
  digest: string;
  tags: string[];
  pushedAt: Date;
}

/** What the `track` policy would run if the pin were removed (only when it differs from the pin). */
export interface HeldImage {
  digest: string;
  tag?: string;
  track: TrackPolicy;
}

/** What a policy (or pin) chose, or why nothing could be chosen. */
export type ImageChoice =
  | { ok: true; digest: string; tag?: string; reason: string; held?: HeldImage }
  | { ok: false; reason: string };

/** Normalised inbound events and internal work items: the only things that travel on the queue. */
export type QueueMessage =
  /**
   * A push the webhook already judged to be work (configured repository, tracked branch, config
   * touched): only a hint to read the branch head. `after` is the pushed commit, for logs; its
   * author and message's first line (bounded) are what a rollout it causes records as its trigger.
   */
  | { kind: 'git-push'; deliveryId: string; after: string; author?: string; message?: string }
  | { kind: 'image-push'; repository: string; digest: string; tag?: string; pushedAt: string }
  | {
      kind: 'reconcile';
      service: string;
      reason: string;
      configRevision?: string;
      force?: boolean;
      /** What caused this reconcile; a rollout it starts records it on its revision. */
      trigger?: RolloutTrigger;
      /** Manual `sync --override-window`: the API token name that overrides the sync windows. */
      overrideWindowBy?: string;
    }
  | { kind: 'resync'; reason: string; trigger?: RolloutTrigger }
  /**
   * ECS said something happened to a service's deployment (EventBridge "ECS Deployment State Change" or
   * "ECS Service Action"): a hint for a rollout waiting on it to look now, never a verdict.
   */
  | {
      kind: 'deployment-event';
      cluster: string;
      service: string;
      /** ECS's eventName, e.g. SERVICE_DEPLOYMENT_COMPLETED. */
      event: string;
      at: string;
      deploymentId?: string;
      reason?: string;
    };

export interface ContainerDefinition {
  name: string;
  image: string;
  environment?: { name?: string; value?: string }[];
  [field: string]: unknown;
}

/** A task definition as ECS describes it (only the fields we touch are typed). */
export interface TaskDefinition {
  family: string;
  containerDefinitions: ContainerDefinition[];
  taskDefinitionArn?: string;
  revision?: number;
  [field: string]: unknown;
}

export type RolloutState = 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';

export interface LiveDeployment {
  id: string;
  /** PRIMARY is the newest; ACTIVE ones are being replaced. */
  status: 'PRIMARY' | 'ACTIVE' | 'INACTIVE';
  taskDefinitionArn: string;
  rolloutState?: RolloutState;
  rolloutStateReason?: string;
  desiredCount: number;
  runningCount: number;
  failedTasks: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface LiveServiceEvent {
  id: string;
  createdAt: Date;
  message: string;
}

/** The live state of one ECS service, as the reconciler sees it. */
export interface LiveService {
  cluster: string;
  service: string;
  status: string;
  desiredCount: number;
  runningCount: number;
  /** Tasks in PENDING (started, not yet running). */
  pendingCount: number;
  /** Task definition of the PRIMARY deployment. */
  taskDefinitionArn: string;
  deployments: LiveDeployment[];
  events: LiveServiceEvent[];
  /** Controller, deploymentConfiguration and load balancers, as DescribeServices has them; absent: not read. */
  deploymentSettings?: LiveDeploymentSettings;
}

/** The image the configured container runs in the PRIMARY deployment's task definition. */
export interface LiveImage {
  taskDefinitionArn: string;
  image: string;
  /** Digest when the image is referenced by digest, else undefined (a tag reference). */
  digest?: string;
  /** Tags of the task definition revision (rollout id, commit, digest). */
  tags: Record<string, string>;
}

export type BlockedCause = 'suspended' | 'failed-digest' | 'invalid-config' | 'no-image' | 'foreign-image';

export type Plan =
  | { kind: 'noop'; reason: string }
  | {
      kind: 'rollout';
      rolloutId: string;
      from: LiveImage | undefined;
      to: { image: string; digest: string; tag?: string };
      reason: string;
    }
  | { kind: 'blocked'; cause: BlockedCause; reason: string };
