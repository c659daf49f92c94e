// A manual rollback returns once ECS took the UpdateService (the API answers 202 at once). History
// recorded it as 0 ms: its start and its end were both that moment. This follows the ECS deployment to
// its end, shows the rollback in progress meanwhile (its own phase on the dashboard), and then records
// the real duration and result in the same history entry.
import type { Logger } from 'pino';
import type { RolloutRecord } from '../contract/status-model.ts';
import type { ServiceConfig } from '../domain/types.ts';
import { type RunnerDeps, rolloutContext } from './rollout/run-rollout.ts';
import { waitForDeployment } from './rollout/wait.ts';
import { ServiceEvents } from './service-events.ts';

export async function followManualRollback(
  deps: RunnerDeps,
  config: ServiceConfig,
  record: RolloutRecord,
  signal: AbortSignal,
  log: Logger,
): Promise<void> {
  const { store, clock } = deps;
  const arn = record.taskDefinitionArn;
  if (!arn) return;
  store.update(config.name, (service) => {
    service.currentRollout = {
      id: record.id,
      step: 'RollingBack',
      startedAt: record.startedAt,
      from: record.from,
      to: record.to,
    };
  });
  try {
    const ctx = rolloutContext(deps, config, signal, log);
    // Done when the deployment of the target revision reports COMPLETED (wait.ts; ECS rolloutState).
    const outcome = await waitForDeployment(ctx, arn, config.rollout.timeoutSeconds, 'RollingBack');
    const finishedAt = clock.now();
    const durationMs = finishedAt.getTime() - Date.parse(record.startedAt);
    store.addRollout(config.name, {
      ...record,
      finishedAt: finishedAt.toISOString(),
      durationMs,
      ...(outcome.ok ? {} : { result: 'Failed', reason: outcome.reason }),
    });
    if (outcome.ok) log.info({ taskDefinitionArn: arn, durationMs }, 'manual rollback finished');
    else log.warn({ taskDefinitionArn: arn, durationMs, reason: outcome.reason }, 'manual rollback failed');
  } catch (error) {
    if (!signal.aborted)
      log.warn({ err: error, taskDefinitionArn: arn }, 'could not follow the manual rollback');
  } finally {
    store.update(config.name, (service) => {
      if (service.currentRollout?.id === record.id) service.currentRollout = null;
    });
  }
}

/** One follower per runtime: follows each accepted manual rollback; stop() waits for them to settle. */
export function rollbackFollower(
  deps: Omit<RunnerDeps, 'events' | 'waitPollMs'> & {
    logger: Logger;
    /** An environment in another Region or account: its own ports (environment-ports.ts). */
    portsOf?: ((config: ServiceConfig) => Pick<RunnerDeps, 'ecs' | 'cdn'>) | undefined;
  },
  options: { waitPollMs: number; signal: () => AbortSignal },
): { follow(config: ServiceConfig, record: RolloutRecord): void; settled(): Promise<void> } {
  const runner: RunnerDeps = {
    ...deps,
    events: new ServiceEvents(deps.store),
    waitPollMs: options.waitPollMs,
  };
  const following = new Set<Promise<void>>();
  return {
    follow(config, record) {
      const log = deps.logger.child({ service: config.name, rolloutId: record.id });
      const ports = deps.portsOf?.(config) ?? {};
      const done = followManualRollback(
        { ...runner, ...ports },
        config,
        record,
        options.signal(),
        log,
      ).finally(() => following.delete(done));
      following.add(done);
    },
    settled: async () => {
      await Promise.all(following);
    },
  };
}
