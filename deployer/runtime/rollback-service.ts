// Manual rollback (POST /api/services/:service/rollback): point the service at an earlier revision of
// its family (the given one, or the one before the live one in the rollout history). The caller
// suspends tracking so the reconciler does not roll forward again right away.
import type { Logger } from 'pino';
import type { RolloutRecord } from '../contract/status-model.ts';
import { DeployerError } from '../domain/errors.ts';
import { liveImageOf } from '../domain/task-definition.ts';
import type { ServiceConfig } from '../domain/types.ts';
import type { Clock, EcsPort } from '../ports.ts';
import type { StatusStore } from './status-store.ts';

export interface ManualRollbackDeps {
  ecs: EcsPort;
  store: StatusStore;
  clock: Clock;
  logger: Logger;
}

export async function manualRollback(
  deps: ManualRollbackDeps,
  config: ServiceConfig,
  to: string | undefined,
  signal: AbortSignal,
): Promise<{ taskDefinitionArn: string; from: string; record: RolloutRecord }> {
  const { ecs, store, clock } = deps;
  const startedAt = clock.now().toISOString();
  const live = await ecs.describeService(config.cluster, config.service, signal);
  const current = await ecs.describeTaskDefinition(live.taskDefinitionArn, signal);
  const family = current.taskDefinition.family;
  const wanted =
    to === undefined ? previousRevision(store, config.name, live.taskDefinitionArn) : target(family, to);
  if (!wanted) {
    throw rejected(
      `no earlier revision of ${config.name} is known from its rollout history; pass {"to": "<family>:<revision>"}`,
    );
  }
  const described = await ecs.describeTaskDefinition(wanted, signal);
  if (described.taskDefinition.family !== family)
    throw rejected(`${wanted} belongs to family ${described.taskDefinition.family}, not ${family}`);
  const image = liveImageOf(described.taskDefinition, config.container, described.tags);
  if (!image) throw rejected(`${wanted} has no container "${config.container}"`);
  const arn = described.taskDefinition.taskDefinitionArn ?? wanted;
  if (arn === live.taskDefinitionArn) throw rejected(`${config.name} already runs ${arn}`);

  await ecs.updateService(config.cluster, config.service, arn, signal);
  const from = liveImageOf(current.taskDefinition, config.container, current.tags);
  // Until ECS finishes the deployment (follow-rollback.ts replaces it then): the time ECS took the update.
  const acceptedAt = clock.now();
  const record: RolloutRecord = {
    id: `manual-${startedAt}`,
    from: from
      ? {
          image: from.image,
          taskDefinitionArn: from.taskDefinitionArn,
          ...(from.digest ? { digest: from.digest } : {}),
        }
      : null,
    to: { image: image.image, taskDefinitionArn: arn, ...(image.digest ? { digest: image.digest } : {}) },
    result: 'RolledBack',
    startedAt,
    finishedAt: acceptedAt.toISOString(),
    durationMs: acceptedAt.getTime() - Date.parse(startedAt),
    reason: 'ManualRollback',
    configRevision: store.snapshot().config.revision ?? '',
    taskDefinitionArn: arn,
  };
  store.addRollout(config.name, record);
  store.update(config.name, (service) => {
    service.live = {
      image: image.image,
      taskDefinitionArn: arn,
      ...(image.digest ? { digest: image.digest } : {}),
    };
  });
  deps.logger.info({ from: live.taskDefinitionArn, to: arn }, 'manual rollback: service updated');
  return { taskDefinitionArn: arn, from: live.taskDefinitionArn, record };
}

/** `7` or `family:7` → `family:7`; an ARN stays as it is. */
function target(family: string, to: string): string {
  const value = to.trim();
  if (/^\d+$/.test(value)) return `${family}:${value}`;
  return value;
}

/** The revision that ran before the live one, from the rollout history (newest first). */
function previousRevision(store: StatusStore, name: string, liveArn: string): string | undefined {
  const rollouts = store.service(name)?.recentRollouts ?? [];
  const intoLive = rollouts.find((r) => r.taskDefinitionArn === liveArn && r.result === 'Succeeded');
  if (intoLive?.from?.taskDefinitionArn) return intoLive.from.taskDefinitionArn;
  return rollouts.find(
    (r) => r.result === 'Succeeded' && r.taskDefinitionArn && r.taskDefinitionArn !== liveArn,
  )?.taskDefinitionArn;
}

function rejected(message: string): DeployerError {
  return new DeployerError('ROLLBACK_REJECTED', message);
}
