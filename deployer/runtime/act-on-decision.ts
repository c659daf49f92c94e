// The "act" of reconcile: carries out what decide() chose for one service (domain/decide.ts) and says
// which status to write. Only a rollout, a resumed rollout or rollback and a pending CDN invalidation
// touch AWS; every other decision is a status verdict.
import type { Logger } from 'pino';
import type { Decision } from '../domain/decide.ts';
import { Reason } from '../domain/reasons.ts';
import { statusOf } from '../domain/sync-verdict.ts';
import type { RolloutTrigger, ServiceConfig } from '../domain/types.ts';
import type { Clock } from '../ports.ts';
import type { Observed } from './observation.ts';
import { complete, deploy, finishRollback } from './rollout/deploy.ts';
import { invalidateAfterRollout } from './rollout/invalidate.ts';
import { type ActOutcome, afterInvalidation } from './rollout/record-outcome.ts';
import { type RunnerDeps, rolloutContext, runRollout } from './rollout/run-rollout.ts';

export async function actOnDecision(
  runner: RunnerDeps & { clock: Clock },
  decision: Decision,
  observed: Observed,
  signal: AbortSignal,
  log: Logger,
  options: { trigger?: RolloutTrigger | undefined; releaseSlot?: (() => void) | undefined },
): Promise<ActOutcome> {
  const { config, configRevision, live } = observed;
  const { trigger } = options;
  const releaseSlot = options.releaseSlot ? { releaseSlot: options.releaseSlot } : {};
  switch (decision.kind) {
    case 'noop':
    case 'degraded':
    case 'blocked':
    case 'held':
    case 'rejected':
      return { status: statusOf(decision, config) };
    case 'failed-before':
      runner.store.rememberFailedDigest(config.name, decision.failure);
      log.info(
        { digest: decision.plan.to.digest, reason: decision.failure.reason },
        'rollout skipped: the digest failed before',
      );
      return { status: statusOf(decision, config) };
    case 'read-history':
      throw new Error('decide() asked for the recent revisions twice');
    case 'invalidate': {
      const ctx = rolloutContext(
        runner,
        config,
        signal,
        log.child({ rolloutId: decision.rolloutId }),
        releaseSlot,
      );
      const cdn = config.cdn as NonNullable<ServiceConfig['cdn']>;
      const error = await invalidateAfterRollout(ctx, cdn, decision);
      if (error !== undefined) return afterInvalidation(config, live.digest ?? '', error);
      return { status: { state: 'Synced', reason: Reason.UpToDate, message: decision.message } };
    }
    case 'resume':
    case 'resume-rollback': {
      const { interrupted } = decision;
      const input = {
        ...interrupted,
        startedAt: parseDate(interrupted.startedAt) ?? runner.clock.now(),
      };
      const run = {
        config,
        configRevision,
        live,
        rolloutId: input.rolloutId,
        digest: input.digest,
        ...releaseSlot,
      };
      log.info(
        { rolloutId: input.rolloutId },
        decision.kind === 'resume'
          ? 'resuming an interrupted rollout at wait'
          : 'resuming an interrupted rollback',
      );
      return runRollout(runner, run, signal, log, (ctx) =>
        decision.kind === 'resume' ? complete(ctx, input) : finishRollback(ctx, input, decision.failure),
      );
    }
    case 'rollout': {
      const { plan } = decision;
      const run = {
        config,
        configRevision,
        live,
        rolloutId: plan.rolloutId,
        digest: plan.to.digest,
        to: plan.to,
        ...(trigger ? { trigger } : {}),
        ...releaseSlot,
      };
      return runRollout(runner, run, signal, log.child({ rolloutId: plan.rolloutId }), (ctx) =>
        deploy(ctx, {
          rolloutId: plan.rolloutId,
          ...plan.to, // image, digest and the tag the policy chose
          configRevision,
          template: observed.template,
          recent: observed.recent ?? [],
          observedService: observed.service,
        }),
      );
    }
  }
}

function parseDate(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
