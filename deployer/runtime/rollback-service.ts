// Manual rollback (POST /api/services/:service/rollback): point the service at an earlier revision of
// its family (the given one, or the one that ran before the live one). Plan, then apply: the target is
// named and checked against the family's active revisions before anything changes, a target ECS does
// not know is refused in our words with the candidates listed, and a dry run stops after the plan.
// The caller suspends tracking so the reconciler does not roll forward again right away.
import type { Logger } from 'pino';
import { cliHint } from '../cli/cli-io.ts';
import type { RevisionSummary, RollbackPlan } from '../contract/rollback-plan.ts';
import { DeployerError } from '../domain/errors.ts';
import { readRevisionTags, revisionTags } from '../domain/revision-tags.ts';
import { liveImageOf } from '../domain/task-definition.ts';
import type { ServiceConfig } from '../domain/types.ts';
import type { Clock, DescribedTaskDefinition, EcsPort } from '../ports.ts';
import { revisionNumber } from './service-history.ts';
import type { StatusStore } from './status-store.ts';

export interface ManualRollbackDeps {
  ecs: EcsPort;
  store: StatusStore;
  clock: Clock;
  logger: Logger;
}

export interface RollbackRequest {
  /** Task definition ARN, `family:revision` or a revision number; default: the one that ran before. */
  to?: string | undefined;
  /** Plan only: name the target, change nothing. */
  dryRun?: boolean;
  /** Name of the API token that asked (recorded on the revision rolled back to). */
  caller?: string | undefined;
}

/** Candidates listed when a target is refused. */
const CANDIDATES_SHOWN = 8;

export async function manualRollback(
  deps: ManualRollbackDeps,
  config: ServiceConfig,
  request: RollbackRequest,
  signal: AbortSignal,
): Promise<RollbackPlan> {
  const { ecs, store, clock } = deps;
  const startedAt = clock.now().toISOString();
  const live = await ecs.describeService(config.cluster, config.service, signal);
  const current = await ecs.describeTaskDefinition(live.taskDefinitionArn, signal);
  const family = current.taskDefinition.family;
  const active = await ecs.listTaskDefinitions(family, signal);
  const wanted =
    request.to === undefined
      ? previousRevision(store, config.name, live.taskDefinitionArn, current)
      : await resolveTarget(deps, config, family, active, live.taskDefinitionArn, request.to, signal);
  if (!wanted) {
    throw rejected(
      `no earlier revision of ${config.name} is known from its rollout history; name one with --to <family:revision> (\`${cliHint(`history ${config.name}`)}\` lists them)`,
    );
  }
  const described = await ecs.describeTaskDefinition(wanted, signal);
  if (described.taskDefinition.family !== family)
    throw rejected(`${wanted} belongs to family ${described.taskDefinition.family}, not ${family}`);
  const image = liveImageOf(described.taskDefinition, config.container, described.tags);
  if (!image) throw rejected(`${wanted} has no container "${config.container}"`);
  const arn = described.taskDefinition.taskDefinitionArn ?? wanted;
  if (arn === live.taskDefinitionArn) throw rejected(`${config.name} already runs ${arn}`);
  const plan: RollbackPlan = {
    service: config.name,
    from: summary(config, live.taskDefinitionArn, current),
    to: summary(config, arn, described),
    dryRun: request.dryRun === true,
  };
  if (plan.dryRun) return plan;

  await ecs.updateService(config.cluster, config.service, arn, signal);
  const now = clock.now().toISOString();
  await recordRestore(deps, arn, { at: now, from: live.taskDefinitionArn, by: request.caller }, signal);
  const from = liveImageOf(current.taskDefinition, config.container, current.tags);
  store.addRollout(config.name, {
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
    // Until ECS finishes the deployment (follow-rollback.ts replaces it then): when ECS took the update.
    startedAt,
    finishedAt: now,
    durationMs: Date.parse(now) - Date.parse(startedAt),
    reason: 'ManualRollback',
    configRevision: store.config().revision ?? '',
    taskDefinitionArn: arn,
    trigger: { kind: 'manual-rollback', ...(request.caller ? { token: request.caller } : {}) },
  });
  store.update(config.name, (service) => {
    service.live = {
      image: image.image,
      taskDefinitionArn: arn,
      ...(image.digest ? { digest: image.digest } : {}),
    };
  });
  deps.logger.info(
    { from: live.taskDefinitionArn, to: arn, token: request.caller },
    'manual rollback: service updated',
  );
  return plan;
}

/** Records on the revision rolled back to who did it and when; history only, so a failure is logged. */
async function recordRestore(
  deps: ManualRollbackDeps,
  arn: string,
  restored: { at: string; from: string; by: string | undefined },
  signal: AbortSignal,
): Promise<void> {
  try {
    await deps.ecs.tagResource(
      arn,
      revisionTags({
        restored: { at: restored.at, from: restored.from, ...(restored.by ? { by: restored.by } : {}) },
      }),
      signal,
    );
  } catch (error) {
    if (signal.aborted) throw error;
    deps.logger.warn({ err: error, taskDefinitionArn: arn }, 'manual rollback not recorded on the revision');
  }
}

// ECS names: family up to 255 letters, numbers, hyphens and underscores; a revision is a number
// (RegisterTaskDefinition, https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html).
const FAMILY_REVISION = /^([A-Za-z0-9_-]{1,255}):([1-9]\d{0,9})$/;
const TASK_DEFINITION_ARN =
  /^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:task-definition\/([A-Za-z0-9_-]{1,255}):([1-9]\d{0,9})$/;

/**
 * The active revision `to` names, or a refusal that lists the candidates. Only ACTIVE revisions can
 * run a service (ListTaskDefinitions, status ACTIVE); asking ECS about text that is not a revision
 * would only bring its ClientException back.
 */
async function resolveTarget(
  deps: ManualRollbackDeps,
  config: ServiceConfig,
  family: string,
  active: readonly string[],
  liveArn: string,
  to: string,
  signal: AbortSignal,
): Promise<string> {
  const value = to.trim();
  const parsed = /^\d+$/.test(value)
    ? { family, revision: value.replace(/^0+(?=\d)/, '') }
    : (() => {
        const match = FAMILY_REVISION.exec(value) ?? TASK_DEFINITION_ARN.exec(value);
        return match ? { family: match[1] as string, revision: match[2] as string } : undefined;
      })();
  if (parsed && parsed.family !== family)
    throw rejected(`${shown(value)} belongs to family ${parsed.family}, not ${family}`);
  const found = parsed && active.find((arn) => arn.endsWith(`/${family}:${parsed.revision}`));
  if (found) return found;
  const what = parsed
    ? `${family}:${parsed.revision} is not an active revision of family ${family}`
    : `${shown(value)} is not a task definition revision (give family:revision, a revision number or a task definition ARN)`;
  const candidates = await describeCandidates(deps, config, active, liveArn, signal);
  throw new DeployerError(
    'ROLLBACK_TARGET_UNKNOWN',
    `${what}; ${candidates.length > 0 ? `candidates: ${candidates.join(', ')}` : 'the family has no other active revision'}`,
    { details: { service: config.name, to: shown(value) } },
  );
}

/** `actors:7 (1.2.0, Succeeded)` for the newest active revisions other than the live one. */
async function describeCandidates(
  deps: ManualRollbackDeps,
  config: ServiceConfig,
  active: readonly string[],
  liveArn: string,
  signal: AbortSignal,
): Promise<string[]> {
  const arns = active.filter((arn) => arn !== liveArn).slice(0, CANDIDATES_SHOWN);
  const described = await Promise.all(arns.map((arn) => deps.ecs.describeTaskDefinition(arn, signal)));
  return arns.map((arn, i) => {
    const one = described[i] as DescribedTaskDefinition;
    const record = readRevisionTags(one.tags);
    const image = liveImageOf(one.taskDefinition, config.container, {});
    const what = [record.imageTag ?? image?.digest?.slice(0, 19) ?? image?.image, record.result].filter(
      Boolean,
    );
    const name = `${one.taskDefinition.family}:${one.taskDefinition.revision ?? revisionNumber(arn) ?? '?'}`;
    return what.length > 0 ? `${name} (${what.join(', ')})` : name;
  });
}

/** The revision that ran before the live one: from the rollout history, else the live revision's tag. */
function previousRevision(
  store: StatusStore,
  name: string,
  liveArn: string,
  live: DescribedTaskDefinition,
): string | undefined {
  const rollouts = store.service(name)?.recentRollouts ?? [];
  const intoLive = rollouts.find((r) => r.taskDefinitionArn === liveArn && r.result === 'Succeeded');
  if (intoLive?.from?.taskDefinitionArn) return intoLive.from.taskDefinitionArn;
  const succeeded = rollouts.find(
    (r) => r.result === 'Succeeded' && r.taskDefinitionArn && r.taskDefinitionArn !== liveArn,
  )?.taskDefinitionArn;
  return succeeded ?? readRevisionTags(live.tags).previousArn;
}

function summary(config: ServiceConfig, arn: string, described: DescribedTaskDefinition): RevisionSummary {
  const image = liveImageOf(described.taskDefinition, config.container, {});
  const record = readRevisionTags(described.tags);
  const number = described.taskDefinition.revision ?? revisionNumber(arn);
  return {
    taskDefinitionArn: arn,
    revision: `${described.taskDefinition.family}:${number ?? '?'}`,
    image: image?.image ?? null,
    ...(image?.digest ? { digest: image.digest } : {}),
    ...(record.imageTag ? { tag: record.imageTag } : {}),
  };
}

/** Untrusted text in a message: quoted and bounded. */
function shown(text: string): string {
  return JSON.stringify(text.length > 100 ? `${text.slice(0, 100)}…` : text);
}

function rejected(message: string): DeployerError {
  return new DeployerError('ROLLBACK_REJECTED', message);
}
