// What any replica can tell of a service's rollout from ECS alone (pure): the deployments DescribeServices
// shows and the tags the acting replica writes on the revisions (domain/revision-tags.ts). This is how a
// replica that is not running a rollout shows it (status-refresh.ts): ECS and the tags are the shared truth,
// no other store. The acting replica writes `InProgress` when it registers the revision, `Failed` before it
// rolls back and the final result at the end (rollout/deploy.ts), so:
// - our revision is PRIMARY, no result yet: the ECS deployment runs (Waiting) or is done and the acting
//   replica verifies (Verifying, when the service verifies; ECS FAILED: RollingBack);
// - our revision is in an ACTIVE (replaced) deployment without a final result, or PRIMARY with `Failed`
//   and rollback on: RollingBack (ECS's circuit breaker or the acting replica put the old one back);
// - our revision records a final result: the rollout is finished, with that result.
// ECS's side (API_Deployment.html): a deployment is PRIMARY ("the most recent deployment of a service"),
// ACTIVE ("still has running tasks, but [is] in the process of being replaced with a new PRIMARY
// deployment") or INACTIVE; its rolloutState "begins in an IN_PROGRESS state", goes COMPLETED "when the
// service reaches a steady state", FAILED when the circuit breaker stops it. The contract suite holds the
// stand-in and the fakes to UpdateService starting a PRIMARY deployment that completes
// (test/contract/ecs.contract.test.ts); moto starts none (moto-limits.ts: ecs-update-service-starts-no-deployment).
import type { CurrentRollout, FailedDigest, RolloutRecord, RolloutStep } from '../contract/status-model.ts';
import { Reason } from '../domain/reasons.ts';
import { isRolloutOf, type RevisionRecord, readRevisionTags } from '../domain/revision-tags.ts';
import { type SyncVerdict, statusOfRollout } from '../domain/sync-verdict.ts';
import { liveImageOf } from '../domain/task-definition.ts';
import type { LiveService, ServiceConfig } from '../domain/types.ts';
import type { DescribedTaskDefinition } from '../ports.ts';
import { history } from './rebuild-status.ts';

export interface ObservedRollout {
  /** A rollout in flight (the acting replica's view has more: verify progress, the failed step). */
  rolling?: { rollout: CurrentRollout; sync: SyncVerdict; arn: string };
  /** A finished rollout recorded on the live revision, or on `followed` (a rollout seen in flight). */
  finished?: { record: RolloutRecord; sync: SyncVerdict; failed?: FailedDigest };
  /** Changes when what the status would show changes (the refresh writes on a change only). */
  fingerprint: string;
}

const FINAL = new Set(['Succeeded', 'Failed', 'RolledBack']);

/**
 * `revisions` holds the described PRIMARY and ACTIVE revisions (and `followed`, and the previous revision
 * of ours when known: the rollout's `from` image); a revision missing from it is left out of the view.
 */
export function observeRollout(
  config: ServiceConfig,
  live: Pick<LiveService, 'taskDefinitionArn' | 'deployments'>,
  revisions: ReadonlyMap<string, DescribedTaskDefinition>,
  followed?: string,
): ObservedRollout {
  const recordOf = (arn: string): RevisionRecord | undefined => {
    const described = revisions.get(arn);
    return described ? readRevisionTags(described.tags) : undefined;
  };
  const primaryArn = live.taskDefinitionArn;
  const primary = live.deployments.find((d) => d.status === 'PRIMARY');
  const primaryRecord = recordOf(primaryArn);
  const ours = (record: RevisionRecord | undefined) =>
    record !== undefined && isRolloutOf(record, config.name) ? record : undefined;

  const forward = ours(primaryRecord);
  if (forward && !FINAL.has(forward.result ?? '')) {
    const step: RolloutStep =
      primary?.rolloutState === 'FAILED'
        ? 'RollingBack'
        : primary?.rolloutState === 'COMPLETED' && config.verify
          ? 'Verifying'
          : 'Waiting';
    return rolling(config, revisions, primaryArn, forward, step, primary?.rolloutState);
  }
  if (forward?.result === 'Failed' && config.rollout.rollback && forward.previousArn)
    return rolling(config, revisions, primaryArn, forward, 'RollingBack', 'failed');
  for (const replaced of live.deployments.filter((d) => d.status === 'ACTIVE')) {
    const record = ours(recordOf(replaced.taskDefinitionArn));
    if (
      record &&
      (record.result === undefined || record.result === 'InProgress' || record.result === 'Failed')
    )
      return rolling(config, revisions, replaced.taskDefinitionArn, record, 'RollingBack', primaryArn);
  }

  for (const arn of [primaryArn, ...(followed && followed !== primaryArn ? [followed] : [])]) {
    const record = ours(recordOf(arn));
    if (!record || !FINAL.has(record.result ?? '')) continue;
    const found = history(config, revisions).rollouts.find((r) => r.taskDefinitionArn === arn);
    if (!found) continue;
    const message =
      found.result === 'Succeeded'
        ? `${config.name} runs ${found.to.digest?.slice(0, 19)}`
        : found.result === 'RolledBack'
          ? `${found.reason}; rolled back to ${primaryArn}`
          : `${found.reason}; the failed revision runs`;
    return {
      finished: {
        record: found,
        sync: statusOfRollout({ result: found.result, reason: found.reason, message }),
        ...(found.result === 'Succeeded'
          ? {}
          : {
              failed: {
                digest: record.digest,
                reason: found.reason,
                failedAt: found.finishedAt,
                rolloutId: found.id,
              },
            }),
      },
      fingerprint: JSON.stringify(['finished', found.id, found.result, primaryArn]),
    };
  }
  return { fingerprint: JSON.stringify(['idle', primaryArn]) };
}

function rolling(
  config: ServiceConfig,
  revisions: ReadonlyMap<string, DescribedTaskDefinition>,
  arn: string,
  record: RevisionRecord & { rolloutId: string; digest: string },
  step: RolloutStep,
  detail: string | undefined,
): ObservedRollout {
  const imageOf = (revision: string | undefined) => {
    const described = revision ? revisions.get(revision) : undefined;
    return described ? liveImageOf(described.taskDefinition, config.container, {})?.image : undefined;
  };
  const previous = record.previousArn;
  const rollout: CurrentRollout = {
    id: record.rolloutId,
    step,
    startedAt: record.startedAt ?? '',
    from: previous ? { image: imageOf(previous) ?? previous, taskDefinitionArn: previous } : null,
    to: {
      image: imageOf(arn) ?? arn,
      digest: record.digest,
      ...(record.imageTag ? { tag: record.imageTag } : {}),
      taskDefinitionArn: arn,
    },
    ...(record.trigger ? { trigger: record.trigger } : {}),
  };
  return {
    rolling: {
      rollout,
      // What the acting replica shows from its first step (rollout/run-rollout.ts).
      sync: {
        state: 'Progressing',
        reason: Reason.RolloutStarted,
        message: `rolling out ${record.digest.slice(0, 19)}`,
      },
      arn,
    },
    fingerprint: JSON.stringify(['rolling', record.rolloutId, step, detail]),
  };
}

/**
 * A rollback puts an older revision back on PRIMARY, whose record is an older rollout (Succeeded, long
 * ago): not news when the status already shows a later rollout's verdict (this process's RolledBack,
 * written when its rollout ended just before ECS's rollback event woke the status refresh).
 */
export function olderThanShown(record: RolloutRecord, newestShown: RolloutRecord | undefined): boolean {
  return (
    newestShown !== undefined && newestShown.id !== record.id && newestShown.finishedAt > record.finishedAt
  );
}
