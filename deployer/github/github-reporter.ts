// Makes rollouts visible in GitHub: a Deployment per rollout caused by a config commit (environment =
// service) whose statuses follow it (in_progress → success with the served URL, or failure / error
// with the reason), and a failed commit status with the first `file:line` error when a config commit
// is rejected. Fed with lifecycle events; every call runs later, in order, on a bounded queue, so a
// rate-limited or down GitHub delays statuses and never a rollout. Failures are logged and counted.
import type { Logger } from 'pino';
import type { Counter, Registry } from 'prom-client';
import type { GitHubDeploymentStatus, ImageStatus } from '../contract/status-model.ts';
import { DeliveryQueue } from '../lifecycle/delivery-queue.ts';
import type {
  LifecycleEvent,
  RolloutFinished,
  RolloutInterrupted,
  RolloutStarted,
} from '../lifecycle/lifecycle-event.ts';
import { githubReportsCounter } from '../runtime/metrics.ts';
import type { GitHubActivity } from './github-activity.ts';
import type { GitHubLinks } from './github-links.ts';
import type { DeploymentState, GitHubPort } from './github-port.ts';

export interface GitHubReporterOptions {
  github: GitHubPort;
  /** Where a service is served at a config revision (environment_url of a successful deployment). */
  servedUrl(service: string, revision: string): string | undefined;
  statusContext: string;
  logger: Logger;
  metrics: Registry;
  /** Events waiting for GitHub at most; more drop the oldest. */
  capacity?: number;
  /** Where the latest deployment per service is kept for the status and dashboard, with its link. */
  activity?: { record: GitHubActivity; links: GitHubLinks };
}

/** Rollouts whose deployment id is remembered (a finish finds the deployment its start created). */
const DEPLOYMENTS_KEPT = 500;
/** Reasons where the deployer could not finish its own work (GitHub's "error"), not a bad release. */
const ERROR_REASONS = new Set(['RollbackFailed', 'DeploymentReplaced']);

type Job =
  | RolloutStarted
  | RolloutFinished
  | RolloutInterrupted
  | { kind: 'config-rejected'; revision: string; description: string };

export class GitHubReporter {
  readonly #options: GitHubReporterOptions;
  readonly #queue: DeliveryQueue<Job>;
  readonly #deployments = new Map<string, { id: number; sha: string }>();
  readonly #log: Logger;
  readonly #calls: Counter<'outcome'>;

  constructor(options: GitHubReporterOptions) {
    this.#options = options;
    this.#log = options.logger.child({ component: 'github-reporter' });
    this.#calls = githubReportsCounter(options.metrics);
    for (const outcome of ['sent', 'failed', 'dropped']) this.#calls.inc({ outcome }, 0);
    this.#queue = new DeliveryQueue<Job>({
      capacity: options.capacity ?? 200,
      deliver: async (job) => {
        await this.#deliver(job);
        this.#calls.inc({ outcome: 'sent' });
      },
      onFailure: (error, job) => {
        this.#calls.inc({ outcome: 'failed' });
        this.#log.warn({ err: error, event: job.kind, ...subject(job) }, 'could not report to GitHub');
      },
      onDrop: (job) => {
        this.#calls.inc({ outcome: 'dropped' });
        this.#log.warn(
          { event: job.kind, ...subject(job) },
          'GitHub report dropped (queue full or stopping)',
        );
      },
    });
  }

  /** The lifecycle listener: never waits, never throws. */
  readonly report = (event: LifecycleEvent): void => {
    if (event.kind === 'started' && isCommit(event.configRevision)) this.#queue.offer(event);
    else if (
      (event.kind === 'succeeded' || event.kind === 'failed' || event.kind === 'rolled-back') &&
      isCommit(event.rollout.configRevision) &&
      event.rollout.reason !== 'ManualRollback'
    )
      this.#queue.offer(event);
    else if (event.kind === 'interrupted') this.#queue.offer(event);
    else if (event.kind === 'config-rejected' && isCommit(event.revision)) {
      const first = event.errors[0];
      const description = first
        ? `${first.file}:${first.line} ${first.message}${event.errors.length > 1 ? ` (+${event.errors.length - 1} more)` : ''}`
        : 'config rejected';
      this.#queue.offer({ kind: 'config-rejected', revision: event.revision, description });
    }
  };

  /** Resolves when everything offered so far was sent or failed (tests). */
  idle(): Promise<void> {
    return this.#queue.idle();
  }

  /** Gives queued reports up to `ms` to go out, then drops the rest. */
  stop(ms: number): Promise<void> {
    return this.#queue.close(ms);
  }

  async #deliver(job: Job): Promise<void> {
    const { github } = this.#options;
    if (job.kind === 'config-rejected') {
      await github.createCommitStatus(job.revision, {
        state: 'failure',
        description: job.description,
        context: this.#options.statusContext,
      });
      this.#log.info({ revision: job.revision }, 'GitHub commit status: config rejected');
      return;
    }
    if (job.kind === 'started') {
      const sha = job.configRevision as string;
      const id = await this.#deployment(job.service, job.rolloutId, sha, job.to);
      const description = `rolling out ${imageName(job.to)}`;
      await github.createDeploymentStatus(id, { state: 'in_progress', description });
      this.#remember(job.service, { id, rolloutId: job.rolloutId, sha, state: 'in_progress', description });
      this.#log.info(
        { service: job.service, rolloutId: job.rolloutId, deploymentId: id },
        'GitHub deployment in progress',
      );
      return;
    }
    if (job.kind === 'interrupted') {
      // Only a deployment this deployer showed as in progress needs closing; a resumed rollout
      // posts in_progress on it again.
      const known = this.#deployments.get(`${job.service}#${job.rolloutId}`);
      if (known === undefined) return;
      const { id, sha } = known;
      const description = `${job.reason}: ${job.message}`;
      await github.createDeploymentStatus(id, { state: 'error', description });
      this.#remember(job.service, { id, rolloutId: job.rolloutId, sha, state: 'error', description });
      this.#log.info(
        { service: job.service, rolloutId: job.rolloutId, deploymentId: id, reason: job.reason },
        'GitHub deployment status: error (rollout interrupted)',
      );
      return;
    }
    const { rollout, service } = job;
    const id = await this.#deployment(service, rollout.id, rollout.configRevision, rollout.to);
    const state: DeploymentState =
      job.kind === 'succeeded' ? 'success' : ERROR_REASONS.has(rollout.reason) ? 'error' : 'failure';
    const environmentUrl =
      state === 'success' ? this.#options.servedUrl(service, rollout.configRevision) : undefined;
    const description =
      state === 'success' ? `${imageName(rollout.to)} is live` : `${rollout.reason}: ${job.message}`;
    await github.createDeploymentStatus(id, {
      state,
      description,
      ...(environmentUrl ? { environmentUrl } : {}),
    });
    this.#remember(service, { id, rolloutId: rollout.id, sha: rollout.configRevision, state, description });
    this.#log.info({ service, rolloutId: rollout.id, deploymentId: id, state }, 'GitHub deployment status');
  }

  #remember(service: string, deployment: Omit<GitHubDeploymentStatus, 'url' | 'updatedAt'>): void {
    const activity = this.#options.activity;
    activity?.record.deployment(service, {
      ...deployment,
      url: activity.links.deployments(service),
      updatedAt: new Date().toISOString(),
    });
  }

  /** The deployment of this rollout: the one its start created, or a new one (the start was missed). */
  async #deployment(service: string, rolloutId: string, sha: string, to: ImageStatus): Promise<number> {
    const key = `${service}#${rolloutId}`;
    const known = this.#deployments.get(key);
    if (known !== undefined) return known.id;
    const { id } = await this.#options.github.createDeployment({
      sha,
      environment: service,
      description: `ecs-gitops: ${service} → ${imageName(to)}`,
      payload: { rolloutId, image: to.image, ...(to.digest ? { digest: to.digest } : {}) },
    });
    this.#deployments.set(key, { id, sha });
    for (const oldest of this.#deployments.keys()) {
      if (this.#deployments.size <= DEPLOYMENTS_KEPT) break;
      this.#deployments.delete(oldest);
    }
    return id;
  }
}

/** A git commit id (SHA-1, or SHA-256 repositories); a directory's `sha256:…` content hash is not. */
export function isCommit(revision: string | null): revision is string {
  return revision !== null && /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(revision);
}

function imageName(image: ImageStatus): string {
  return image.tag ?? image.digest?.slice(0, 19) ?? image.image;
}

function subject(job: Job): Record<string, string> {
  if (job.kind === 'config-rejected') return { revision: job.revision };
  return {
    service: job.service,
    rolloutId: job.kind === 'started' || job.kind === 'interrupted' ? job.rolloutId : job.rollout.id,
  };
}
