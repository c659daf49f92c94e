// Rebuilds the status cache from ECS on start (state lives in AWS): the live image of each configured
// service, and its recent rollouts and failed digests from the tags of the family's newest revisions.
import type { Logger } from 'pino';
import {
  type FailedDigest,
  ROLLOUT_RESULTS,
  type RolloutRecord,
  type RolloutResult,
} from '../contract/status-model.ts';
import { Reason } from '../domain/reasons.ts';
import { isRolloutOf, type RevisionRecord, readRevisionTags } from '../domain/revision-tags.ts';
import { liveImageOf } from '../domain/task-definition.ts';
import type { LiveService, ServiceConfig, TaskDefinition } from '../domain/types.ts';
import type { DescribedTaskDefinition, EcsPort } from '../ports.ts';
import { describeInBulk } from './describe-in-bulk.ts';
import { HISTORY_LIMITS, type StatusStore } from './status-store.ts';

/** Revisions read per service: enough for the history the status shows. */
export const REBUILD_DEPTH = 20;
/** Services rebuilt at once. */
export const REBUILD_CONCURRENCY = 16;

export interface RebuildDeps {
  ecs: EcsPort;
  store: StatusStore;
  logger: Logger;
  /** Told the tag record of each service's live revision (suspensions.ts reads its suspension there). */
  onLiveRecord?: (service: string, record: RevisionRecord, taskDefinitionArn: string) => void;
}

export async function rebuildStatus(
  deps: RebuildDeps,
  services: readonly ServiceConfig[],
  signal: AbortSignal,
): Promise<void> {
  // A service left out (missing, or its batch failed) is described alone by rebuildService, which says why.
  const live = await describeInBulk(deps.ecs, services, signal);
  // Bounded: a thousand services must not open a thousand request chains at once.
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < services.length; i = next++) {
      const config = services[i] as ServiceConfig;
      await rebuildService(deps, config, live.get(config.name), signal);
    }
  };
  await Promise.all(Array.from({ length: Math.min(REBUILD_CONCURRENCY, services.length) }, worker));
}

async function rebuildService(
  deps: RebuildDeps,
  config: ServiceConfig,
  bulk: LiveService | undefined,
  signal: AbortSignal,
): Promise<void> {
  const { ecs, store } = deps;
  const log = deps.logger.child({ service: config.name });
  try {
    const live = bulk ?? (await ecs.describeService(config.cluster, config.service, signal));
    const primary = await ecs.describeTaskDefinition(live.taskDefinitionArn, signal);
    const image = liveImageOf(primary.taskDefinition, config.container, primary.tags);
    deps.onLiveRecord?.(config.name, readRevisionTags(primary.tags), live.taskDefinitionArn);
    const arns = (await ecs.listTaskDefinitions(primary.taskDefinition.family, signal)).slice(
      0,
      REBUILD_DEPTH,
    );
    // Newest first, in parallel; the Map keeps that order.
    const described = await Promise.all(arns.map((arn) => ecs.describeTaskDefinition(arn, signal)));
    const revisions = new Map<string, DescribedTaskDefinition>(
      arns.map((arn, i) => [arn, described[i] as DescribedTaskDefinition]),
    );
    const { rollouts, failed } = history(config, revisions);
    store.update(config.name, (service) => {
      service.live = image
        ? {
            image: image.image,
            taskDefinitionArn: image.taskDefinitionArn,
            ...(image.digest ? { digest: image.digest } : {}),
          }
        : null;
      service.recentRollouts = rollouts.slice(0, HISTORY_LIMITS.rollouts);
      service.failedDigests = failed.slice(0, HISTORY_LIMITS.failedDigests);
      service.events = live.events
        .map((e) => ({ id: e.id, createdAt: e.createdAt.toISOString(), message: e.message }))
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
        .slice(0, HISTORY_LIMITS.events);
    });
    log.info(
      { revisions: arns.length, rollouts: rollouts.length, failedDigests: failed.length },
      'status rebuilt from ECS',
    );
  } catch (error) {
    if (signal.aborted) throw error;
    store.rebuildFailed(
      config.name,
      `could not read ${config.service} from ECS: ${error instanceof Error ? error.message : String(error)}`,
    );
    log.warn({ err: error }, 'could not rebuild status from ECS; the next reconcile will');
  }
}

/** Rollout records (newest first) and failed digests from revision tags, newest revision first. */
export function history(
  config: ServiceConfig,
  revisions: ReadonlyMap<string, DescribedTaskDefinition>,
): { rollouts: RolloutRecord[]; failed: FailedDigest[] } {
  const rollouts: RolloutRecord[] = [];
  const failed: FailedDigest[] = [];
  const judged = new Set<string>();
  for (const [arn, { taskDefinition, tags }] of revisions) {
    const record = readRevisionTags(tags);
    if (!isRolloutOf(record, config.name)) continue;
    const { rolloutId: id, digest, result } = record;
    if (!isResult(result)) continue; // still running, or interrupted: the reconciler resumes it
    const startedAt = record.startedAt ?? record.finishedAt ?? '';
    const finishedAt = record.finishedAt ?? startedAt;
    const reason = record.reason ?? (result === 'Succeeded' ? Reason.RolloutSucceeded : 'Unknown');
    const previous = record.previousArn;
    const previousImage = previous
      ? imageOf(revisions.get(previous)?.taskDefinition, config.container)
      : undefined;
    rollouts.push({
      id,
      from: previous ? { image: previousImage ?? previous, taskDefinitionArn: previous } : null,
      to: {
        image: imageOf(taskDefinition, config.container) ?? arn,
        digest,
        ...(record.imageTag ? { tag: record.imageTag } : {}),
        taskDefinitionArn: arn,
      },
      result,
      startedAt,
      finishedAt,
      durationMs: Math.max(0, Date.parse(finishedAt) - Date.parse(startedAt)) || 0,
      reason,
      configRevision: record.configRevision ?? '',
      taskDefinitionArn: arn,
      ...(record.trigger ? { trigger: record.trigger } : {}),
    });
    // The newest revision of a digest decides: a forced retry that succeeded clears an older failure.
    if (judged.has(digest)) continue;
    judged.add(digest);
    if (result !== 'Succeeded') failed.push({ digest, reason, failedAt: finishedAt, rolloutId: id });
  }
  return { rollouts, failed };
}

function isResult(value: string | undefined): value is RolloutResult {
  return (ROLLOUT_RESULTS as readonly string[]).includes(value ?? '');
}

function imageOf(td: TaskDefinition | undefined, container: string): string | undefined {
  return td ? liveImageOf(td, container, {})?.image : undefined;
}
