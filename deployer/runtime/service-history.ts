// The history read model: the revisions of a service's task definition family, newest first, each with
// what its tags record (rollout result, reason, times, trigger, a manual rollback to it) and links.
// Read from ECS on every call, so it is the same on every replica and after any restart.
import type { HistoryEntry, ServiceHistory } from '../contract/history-model.ts';
import {
  commitUrl,
  ecsDeploymentUrl,
  ecsTaskDefinitionUrl,
  githubDeploymentsUrl,
  type HistoryLinkSettings,
  type LogConfiguration,
  logsUrl,
} from '../domain/history-links.ts';
import { readRevisionTags } from '../domain/revision-tags.ts';
import { liveImageOf } from '../domain/task-definition.ts';
import type { ServiceConfig } from '../domain/types.ts';
import type { DescribedTaskDefinition, EcsPort } from '../ports.ts';

export const HISTORY_DEFAULT_LIMIT = 20;
export const HISTORY_MAX_LIMIT = 100;
/** DescribeTaskDefinition calls at once: a long history must not spend the account's ECS rate at once. */
const DESCRIBE_CONCURRENCY = 5;

export interface ServiceHistoryDeps {
  ecs: EcsPort;
  links: HistoryLinkSettings;
}

export async function readServiceHistory(
  deps: ServiceHistoryDeps,
  config: ServiceConfig,
  limit: number,
  signal: AbortSignal,
): Promise<ServiceHistory> {
  const { ecs } = deps;
  const live = await ecs.describeService(config.cluster, config.service, signal);
  const current = await ecs.describeTaskDefinition(live.taskDefinitionArn, signal);
  const family = current.taskDefinition.family;
  const arns = await ecs.listTaskDefinitions(family, signal);
  const listed = arns.slice(0, Math.max(1, Math.min(limit, HISTORY_MAX_LIMIT)));
  const described = await mapBounded(listed, DESCRIBE_CONCURRENCY, (arn) =>
    arn === live.taskDefinitionArn ? Promise.resolve(current) : ecs.describeTaskDefinition(arn, signal),
  );
  return {
    service: config.name,
    cluster: config.cluster,
    ecsService: config.service,
    family,
    liveTaskDefinitionArn: live.taskDefinitionArn,
    revisions: listed.map((arn, i) =>
      historyEntry(config, deps.links, arn, described[i] as DescribedTaskDefinition, live.taskDefinitionArn),
    ),
    more: arns.length - listed.length,
  };
}

/** One revision as history (pure). */
export function historyEntry(
  config: ServiceConfig,
  links: HistoryLinkSettings,
  arn: string,
  described: DescribedTaskDefinition,
  liveArn: string,
): HistoryEntry {
  const { taskDefinition } = described;
  const record = readRevisionTags(described.tags);
  const number = taskDefinition.revision ?? revisionNumber(arn);
  const image = liveImageOf(taskDefinition, config.container, {});
  const digest = image?.digest ?? record.digest;
  const durationMs =
    record.startedAt && record.finishedAt
      ? Date.parse(record.finishedAt) - Date.parse(record.startedAt)
      : Number.NaN;
  // The commit that caused it, else the config commit it was planned from.
  const commit = record.trigger?.commit ?? record.configRevision;
  const container = taskDefinition.containerDefinitions.find((c) => c.name === config.container);
  const fromDeployer = record.rolloutId !== undefined;
  const entryLinks: HistoryEntry['links'] = {
    commit: commitUrl(links, commit),
    // The reporter makes a deployment for rollouts planned from a config commit.
    githubDeployment:
      fromDeployer && commitUrl(links, record.configRevision)
        ? githubDeploymentsUrl(links, config.name)
        : undefined,
    ecsDeployment: ecsDeploymentUrl(links, config.cluster, config.service),
    ecsTaskDefinition: ecsTaskDefinitionUrl(links, taskDefinition.family, number),
    logs: logsUrl(links, config.container, container?.logConfiguration as LogConfiguration | undefined),
  };
  return withoutUndefined({
    taskDefinitionArn: arn,
    revision: `${taskDefinition.family}:${number ?? '?'}`,
    live: arn === liveArn,
    image: image?.image ?? null,
    digest,
    tag: record.imageTag,
    rolloutId: record.rolloutId,
    result: record.result,
    reason: record.reason,
    startedAt: record.startedAt,
    finishedAt: record.finishedAt,
    durationMs: Number.isFinite(durationMs) && durationMs >= 0 ? durationMs : undefined,
    configRevision: record.configRevision,
    trigger: record.trigger,
    restored: record.restored,
    links: withoutUndefined(entryLinks),
  });
}

/** `7` from `arn:…:task-definition/actors:7`. */
export function revisionNumber(arn: string): number | undefined {
  const match = /:(\d+)$/.exec(arn);
  return match ? Number(match[1]) : undefined;
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) results[i] = await work(items[i] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
