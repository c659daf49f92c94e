// A rollout, read as a script: register → update → wait → verify → invalidate; on failure at wait or
// verify, record the failure on the revision (so it survives a restart) and roll back. `complete()`
// is shared with a rollout resumed after a crash, which starts at wait because its revision exists.

import type { RolloutFailureStatus, RolloutResult } from '../../contract/status-model.ts';
import type { FailureReason } from '../../domain/reasons.ts';
import { revisionTags } from '../../domain/revision-tags.ts';
import type { LiveService, TaskDefinition } from '../../domain/types.ts';
import { explainFailure, withStopReason } from './explain-failure.ts';
import { invalidateAfterRollout } from './invalidate.ts';
import type { RecentRevision } from './recent-revisions.ts';
import { registerRevision } from './register.ts';
import { rollBack } from './rollback.ts';
import type { RolloutContext, StepOutcome } from './rollout-context.ts';
import { strategyGate } from './strategy-gate.ts';
import { type AfterUpdate, updateService } from './update.ts';
import { verifyRollout } from './verify.ts';
import { waitForDeployment } from './wait.ts';

export interface DeployInput {
  rolloutId: string;
  image: string;
  digest: string;
  /** The image tag the policy chose, recorded on the revision. */
  tag?: string;
  configRevision: string;
  /** The revision the service runs now: template of the new one and rollback target. */
  template: TaskDefinition;
  /** The family's newest revisions when the caller already read them. */
  recent?: readonly RecentRevision[];
  /** The ECS service as the reconcile read it (update.ts needs no second look at a new revision). */
  observedService?: LiveService;
}

export interface DeployResult {
  result: RolloutResult;
  /** `RolloutSucceeded`, a FailureReason, or `RollbackFailed`. */
  reason: 'RolloutSucceeded' | FailureReason | 'RollbackFailed';
  message: string;
  taskDefinitionArn: string;
  startedAt: Date;
  finishedAt: Date;
  /** The revision the service runs after a rollback. */
  rolledBackTo?: string;
  /** A succeeded rollout whose CDN invalidation failed (Pending on the revision; retried on its own). */
  invalidationError?: unknown;
  /** Why the deployment failed: its stopped tasks, exit codes and last log lines. */
  explained?: RolloutFailureStatus;
}

/** Failures of the ECS deployment itself, which the stopped tasks explain (not verification's). */
const EXPLAINED_BY_TASKS = new Set<FailureReason>(['DeploymentFailed', 'RolloutTimeout']);

export async function deploy(ctx: RolloutContext, input: DeployInput): Promise<DeployResult> {
  const startedAt = ctx.clock.now();
  const { arn, reused } = await registerRevision(ctx, { ...input, startedAt });
  const after = await updateService(ctx, arn, reused ? undefined : input.observedService);
  return complete(ctx, {
    rolloutId: input.rolloutId,
    taskDefinitionArn: arn,
    digest: input.digest,
    previousArn: input.template.taskDefinitionArn,
    startedAt,
    ...(after && { after }),
  });
}

export interface CompleteInput {
  rolloutId: string;
  taskDefinitionArn: string;
  digest: string;
  previousArn: string | undefined;
  startedAt: Date;
  /** The UpdateService just made (absent when resuming: the wait starts with a describe). */
  after?: AfterUpdate;
}

export async function complete(ctx: RolloutContext, input: CompleteInput): Promise<DeployResult> {
  const { service } = ctx;
  const arn = input.taskDefinitionArn;
  const gate = strategyGate(ctx, input.digest);
  let outcome: StepOutcome = await waitForDeployment(
    ctx,
    arn,
    service.rollout.timeoutSeconds,
    'Waiting',
    gate,
    input.after,
  );
  if (outcome.ok && service.verify) outcome = await verifyRollout(ctx, service.verify, input.digest);
  if (outcome.ok) {
    const finishedAt = ctx.clock.now();
    // Served and verified: that is the result, whatever the CDN says next.
    await recordResult(ctx, arn, 'Succeeded', 'RolloutSucceeded', finishedAt, {
      invalidationPending: service.cdn !== undefined,
    });
    const invalidationError = service.cdn
      ? await invalidateAfterRollout(ctx, service.cdn, { rolloutId: input.rolloutId, taskDefinitionArn: arn })
      : undefined;
    return {
      result: 'Succeeded',
      reason: 'RolloutSucceeded',
      message: `${service.name} runs ${input.digest.slice(0, 19)}`,
      taskDefinitionArn: arn,
      startedAt: input.startedAt,
      finishedAt,
      ...(invalidationError === undefined ? {} : { invalidationError }),
    };
  }

  const failure = outcome;
  ctx.log.warn(
    { reason: failure.reason, message: failure.message, taskDefinitionArn: arn },
    'rollout failed',
  );
  // Recorded before rolling back: a crash during the rollback must not retry this digest.
  await recordResult(ctx, arn, 'Failed', failure.reason, ctx.clock.now(), {
    failureMessage: failure.message,
  });
  const result = service.rollout.rollback
    ? await finishRollback(ctx, input, failure)
    : failed(ctx, input, failure.reason, `${failure.message}; rollback is disabled in config`);
  if (!EXPLAINED_BY_TASKS.has(failure.reason)) return result;
  // Explained after the rollback (the service is back first); ECS keeps stopped tasks for an hour.
  const explained = await explainFailure(ctx, {
    rolloutId: input.rolloutId,
    digest: input.digest,
    reason: failure.reason,
    taskDefinitionArn: arn,
  });
  // The why comes last: "...tasks failed to start; rolled back to actors:6; task 0123abcd: ... exit code 1".
  return { ...result, message: withStopReason(result.message, explained), explained };
}

/** Rolls back after a failure (also used to resume a rollback a crash interrupted). */
export async function finishRollback(
  ctx: RolloutContext,
  input: CompleteInput,
  failure: { reason: FailureReason; message: string },
): Promise<DeployResult> {
  const arn = input.taskDefinitionArn;
  const rollback = await rollBack(ctx, {
    failedArn: arn,
    previousArn: input.previousArn,
    timeoutSeconds: ctx.service.rollout.timeoutSeconds,
  });
  if (!rollback.outcome.ok) {
    const result = failed(
      ctx,
      input,
      'RollbackFailed',
      `${failure.message}; rollback failed: ${rollback.outcome.message}`,
    );
    ctx.log.error({ taskDefinitionArn: arn, message: result.message }, 'rollback failed');
    return result;
  }
  const finishedAt = ctx.clock.now();
  await recordResult(ctx, arn, 'RolledBack', failure.reason, finishedAt, { failureMessage: failure.message });
  const to = rollback.taskDefinitionArn as string;
  ctx.log.info({ taskDefinitionArn: to, byEcs: rollback.byEcs }, 'rolled back');
  return {
    result: 'RolledBack',
    reason: failure.reason,
    // ECS's own reasons end with a full stop ("tasks failed to start."): drop it before the "; ".
    message: `${failure.message.replace(/[.;\s]+$/, '')}; rolled back to ${to}${rollback.byEcs ? ' (ECS had already started that deployment)' : ''}`,
    taskDefinitionArn: arn,
    startedAt: input.startedAt,
    finishedAt,
    rolledBackTo: to,
  };
}

function failed(
  ctx: RolloutContext,
  input: CompleteInput,
  reason: DeployResult['reason'],
  message: string,
): DeployResult {
  return {
    result: 'Failed',
    reason,
    message,
    taskDefinitionArn: input.taskDefinitionArn,
    startedAt: input.startedAt,
    finishedAt: ctx.clock.now(),
  };
}

async function recordResult(
  ctx: RolloutContext,
  arn: string,
  result: RolloutResult,
  reason: string,
  finishedAt: Date,
  {
    invalidationPending = false,
    failureMessage = '',
  }: { invalidationPending?: boolean; failureMessage?: string } = {},
): Promise<void> {
  const tags = revisionTags({
    result,
    reason,
    finishedAt: finishedAt.toISOString(),
    // Every replica (and a restart) quotes why the digest failed; a success clears a forced retry's older why.
    failureMessage,
    ...(invalidationPending ? { invalidation: 'Pending' as const } : {}),
  });
  await ctx.ecs.tagResource(arn, tags, ctx.signal);
}
