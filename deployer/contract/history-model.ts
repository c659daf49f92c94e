// The history of a service (GET /api/services/:service/history, `ecs-gitops history`, the dashboard's
// history page): the revisions of its task definition family, newest first, with what their tags
// record (deployer/domain/revision-tags.ts). Read from ECS on every request: it survives any restart.
import type { RevisionResult } from '../domain/revision-tags.ts';
import type { RolloutTrigger } from '../domain/rollout-trigger.ts';

/** Where to look next. Only links to something that exists are given (local mode has no consoles). */
export interface HistoryLinks {
  /** The commit on GitHub (git-push triggers, and config revisions that are commits). */
  commit?: string;
  /** The service's GitHub deployments (environment = service), when the GitHub reporter is on. */
  githubDeployment?: string;
  /** The ECS console: the service's deployments. */
  ecsDeployment?: string;
  /** The ECS console: this task definition revision. */
  ecsTaskDefinition?: string;
  /** CloudWatch Logs: the revision's log group, filtered to its container's streams (awslogs driver). */
  logs?: string;
}

export interface HistoryEntry {
  taskDefinitionArn: string;
  /** `family:revision`, what `rollback --to` takes. */
  revision: string;
  /** The service runs this revision now. */
  live: boolean;
  /** The configured container's image, null when the revision has no such container. */
  image: string | null;
  digest?: string;
  /** The image tag the policy chose when the deployer registered it. */
  tag?: string;
  rolloutId?: string;
  /** Absent on revisions the deployer did not register (e.g. the one the stack created). */
  result?: RevisionResult;
  /** PascalCase, e.g. `RolloutSucceeded`, `DeploymentFailed`. */
  reason?: string;
  startedAt?: string;
  finishedAt?: string;
  durationMs?: number;
  configRevision?: string;
  trigger?: RolloutTrigger;
  /** The latest manual rollback to this revision. */
  restored?: { at: string; by?: string; from?: string };
  links: HistoryLinks;
}

export interface ServiceHistory {
  service: string;
  cluster: string;
  ecsService: string;
  family: string;
  liveTaskDefinitionArn: string;
  /** Newest first. */
  revisions: HistoryEntry[];
  /** Active revisions of the family older than the ones listed. */
  more: number;
}
