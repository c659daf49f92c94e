// Rebuilds the status cache from ECS on start (state lives in AWS): each configured service's live
// state in bulk (DescribeServices, 10 a call) and its live revision's tags (DescribeTaskDefinition through
// the cache by ARN, which the resync pass then reads again for free). Only the live revision's own rollout
// (and the revision it replaced, for its `from`) goes into the status: the family's history is read when
// someone asks for it (service-history.ts), and a digest that failed before is found by the reconcile
// that would roll it out (decide.ts asks for the recent revisions then). About 2 ECS calls per service
// instead of the ~22 an eager history read cost (test/unit/runtime/rebuild-calls.test.ts counts them).
import type { Logger } from 'pino';
import {
  type FailedDigest,
  ROLLOUT_RESULTS,
  type RolloutRecord,
  type RolloutResult,
} from '../contract/status-model.ts';
import { laterFirst } from '../domain/iso-time.ts';
import { Reason } from '../domain/reasons.ts';
import { isRolloutOf, type RevisionRecord, readRevisionTags } from '../domain/revision-tags.ts';
import { liveImageOf } from '../domain/task-definition.ts';
import type { LiveService, ServiceConfig, TaskDefinition } from '../domain/types.ts';
import type { DescribedTaskDefinition, EcsPort } from '../ports.ts';
import { describeInBulk } from './describe-in-bulk.ts';
import { HISTORY_LIMITS, type StatusStore } from './status-store.ts';

/** Services rebuilt at once. */
export const REBUILD_CONCURRENCY = 16;

export interface RebuildDeps {
  /** Reads task definitions through the cache by ARN (cached-task-definitions.ts). */
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
    const record = readRevisionTags(primary.tags);
    deps.onLiveRecord?.(config.name, record, live.taskDefinitionArn);
    const revisions = new Map<string, DescribedTaskDefinition>([[live.taskDefinitionArn, primary]]);
    // The live rollout's `from` names the image it replaced: one more (cached) revision, only for ours.
    if (isRolloutOf(record, config.name) && record.previousArn)
      revisions.set(record.previousArn, await ecs.describeTaskDefinition(record.previousArn, signal));
    const { rollouts, failed } = history(config, revisions);
    store.update(config.name, (service) => {
      service.live = image
        ? {
            image: image.image,
            taskDefinitionArn: image.taskDefinitionArn,
            ...(image.digest ? { digest: image.digest } : {}),
          }
        : null;
      // Kept: what this process recorded before the rebuild (a service added to a running deployer).
      service.recentRollouts = mergeRollouts(rollouts.slice(0, 1), service.recentRollouts);
      service.failedDigests = mergeFailed(failed, service.failedDigests);
      service.events = live.events
        .map((e) => ({ id: e.id, createdAt: e.createdAt.toISOString(), message: e.message }))
        .sort((a, b) => laterFirst(a.createdAt, b.createdAt))
        .slice(0, HISTORY_LIMITS.events);
    });
    // One line per service is 10,000 lines at start on a large installation: debug; the end is logged once.
    log.debug({ rollouts: rollouts.length, failedDigests: failed.length }, 'service status rebuilt from ECS');
  } catch (error) {
    if (signal.aborted) throw error;
    store.rebuildFailed(
      config.name,
      `could not read ${config.service} from ECS: ${error instanceof Error ? error.message : String(error)}`,
    );
    log.warn({ err: error }, 'could not rebuild status from ECS; the next reconcile will');
  }
}

/** Records by id, newest first, bounded. */
export function mergeRollouts(
  found: readonly RolloutRecord[],
  known: readonly RolloutRecord[],
): RolloutRecord[] {
  const ids = new Set(found.map((r) => r.id));
  return [...found, ...known.filter((r) => !ids.has(r.id))]
    .sort((a, b) => laterFirst(a.finishedAt, b.finishedAt))
    .slice(0, HISTORY_LIMITS.rollouts);
}

function mergeFailed(found: readonly FailedDigest[], known: readonly FailedDigest[]): FailedDigest[] {
  const digests = new Set(found.map((f) => f.digest));
  return [...found, ...known.filter((f) => !digests.has(f.digest))].slice(0, HISTORY_LIMITS.failedDigests);
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
    if (result !== 'Succeeded')
      failed.push({
        digest,
        reason,
        failedAt: finishedAt,
        rolloutId: id,
        ...(record.failureMessage ? { message: record.failureMessage } : {}),
      });
  }
  return { rollouts, failed };
}

function isResult(value: string | undefined): value is RolloutResult {
  return (ROLLOUT_RESULTS as readonly string[]).includes(value ?? '');
}

function imageOf(td: TaskDefinition | undefined, container: string): string | undefined {
  return td ? liveImageOf(td, container, {})?.image : undefined;
}
