// Turns the end of a rollout into history, metrics, one log line and the status verdict (written by
// reconcile, once). After a rollback the live image is read back from ECS: the revision rolled back
// to is not always the one left.
import type { Logger } from 'pino';
import type { ImageStatus } from '../../contract/status-model.ts';
import type { RolloutTrigger } from '../../domain/rollout-trigger.ts';
import { type SyncVerdict, statusOfInvalidation, statusOfRollout } from '../../domain/sync-verdict.ts';
import { liveImageOf } from '../../domain/task-definition.ts';
import type { ServiceConfig } from '../../domain/types.ts';
import type { EcsPort, ReleaseRecordPort } from '../../ports.ts';
import type { DeployerMetrics } from '../metrics.ts';
import type { StatusStore } from '../status-store.ts';
import type { DeployResult } from './deploy.ts';
import { recordRelease } from './record-release.ts';

export interface RecordDeps {
  ecs: EcsPort;
  store: StatusStore;
  metrics: DeployerMetrics;
  log: Logger;
  signal: AbortSignal;
  /** Where a successful rollout records what runs for the next infrastructure deploy; absent: nowhere. */
  releaseRecords?: ReleaseRecordPort | undefined;
}

/** The status to write, and an error to hand the queue for a retry soon (a retryable CDN error). */
export interface ActOutcome {
  status: SyncVerdict;
  retry?: unknown;
}

export async function recordOutcome(
  deps: RecordDeps,
  rollout: {
    config: ServiceConfig;
    configRevision: string;
    rolloutId: string;
    digest: string;
    trigger?: RolloutTrigger;
  },
  images: { from: ImageStatus | null; to: ImageStatus },
  outcome: DeployResult,
): Promise<ActOutcome> {
  const { store, metrics, log } = deps;
  const name = rollout.config.name;
  const durationMs = outcome.finishedAt.getTime() - outcome.startedAt.getTime();
  store.addRollout(name, {
    id: rollout.rolloutId,
    from: images.from,
    to: { ...images.to, taskDefinitionArn: outcome.taskDefinitionArn },
    result: outcome.result,
    startedAt: outcome.startedAt.toISOString(),
    finishedAt: outcome.finishedAt.toISOString(),
    durationMs,
    reason: outcome.reason,
    configRevision: rollout.configRevision,
    taskDefinitionArn: outcome.taskDefinitionArn,
    ...(rollout.trigger ? { trigger: rollout.trigger } : {}),
  });
  metrics.rolloutFinished(name, outcome.result, durationMs / 1000);

  if (outcome.result === 'Succeeded') {
    store.update(name, (service) => {
      service.failedDigests = service.failedDigests.filter((f) => f.digest !== rollout.digest);
      service.live = {
        image: images.to.image,
        digest: rollout.digest,
        taskDefinitionArn: outcome.taskDefinitionArn,
        ...(images.to.tag ? { tag: images.to.tag } : {}),
      };
    });
    log.info({ digest: rollout.digest, durationMs }, 'rollout finished');
    await recordRelease(deps, name, { image: images.to.image, digest: rollout.digest });
    if (outcome.invalidationError === undefined) return { status: statusOfRollout(outcome) };
    return afterInvalidation(rollout.config, rollout.digest, outcome.invalidationError);
  }

  store.rememberFailedDigest(name, {
    digest: rollout.digest,
    reason: outcome.reason,
    failedAt: outcome.finishedAt.toISOString(),
    rolloutId: rollout.rolloutId,
    message: outcome.message,
  });
  if (outcome.result === 'RolledBack' && outcome.rolledBackTo)
    await refreshLive(deps, rollout.config, outcome.rolledBackTo);
  log.warn(
    {
      digest: rollout.digest,
      durationMs,
      result: outcome.result,
      reason: outcome.reason,
      message: outcome.message,
    },
    'rollout did not succeed',
  );
  return { status: statusOfRollout(outcome) };
}

/** A served rollout whose CDN invalidation failed: Synced, retried soon when the error is transient. */
export function afterInvalidation(config: ServiceConfig, digest: string, error: unknown): ActOutcome {
  const retryable = (error as { retryable?: unknown } | null)?.retryable === true;
  const status = statusOfInvalidation(config, digest, {
    message: error instanceof Error ? error.message : String(error),
    retryable,
  });
  return retryable ? { status, retry: error } : { status };
}

async function refreshLive(deps: RecordDeps, config: ServiceConfig, arn: string): Promise<void> {
  try {
    const described = await deps.ecs.describeTaskDefinition(arn, deps.signal);
    const live = liveImageOf(described.taskDefinition, config.container, described.tags);
    deps.store.update(config.name, (service) => {
      service.live = live
        ? { image: live.image, taskDefinitionArn: arn, ...(live.digest ? { digest: live.digest } : {}) }
        : null;
    });
  } catch (error) {
    // Status only: the next reconcile reads it again.
    deps.log.debug({ err: error, taskDefinitionArn: arn }, 'could not read the revision rolled back to');
  }
}
