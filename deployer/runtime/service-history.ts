// The history read model: the revisions of a service's task definition family, newest first, each with
// what its tags record (rollout result, reason, times, trigger, a manual rollback to it) and links.
// Read from ECS, so it is the same on every replica and after any restart; not at start (the status
// rebuild reads only live revisions) but when someone asks, and then kept a short while (HistoryCache).
import type { HistoryEntry, ServiceHistory } from '../contract/history-model.ts';
import type { ServiceStatus } from '../contract/status-model.ts';
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

/** How long a history read answers again without ECS (a page reload, the CLI and the page together). */
const HISTORY_CACHE_MS = 15_000;
const HISTORY_CACHE_ENTRIES = 1_000;

/**
 * Keeps each service's history answer for a short while, and not past a change the status saw (a new
 * live revision, a rollout starting or ending, a suspension): `version` says what the status shows now.
 * Concurrent readers of the same history share one read.
 */
export class HistoryCache {
  readonly #entries = new Map<string, { at: number; version: string; history: Promise<ServiceHistory> }>();
  readonly #now: () => number;
  readonly #version: (service: string) => string;
  readonly #ttlMs: number;

  constructor(options: { now: () => number; version: (service: string) => string; ttlMs?: number }) {
    this.#now = options.now;
    this.#version = options.version;
    this.#ttlMs = options.ttlMs ?? HISTORY_CACHE_MS;
  }

  read(service: string, limit: number, load: () => Promise<ServiceHistory>): Promise<ServiceHistory> {
    const key = `${service}\n${limit}`;
    const version = this.#version(service);
    const kept = this.#entries.get(key);
    if (kept && kept.version === version && this.#now() - kept.at < this.#ttlMs) return kept.history;
    const history = load();
    this.#entries.delete(key);
    this.#entries.set(key, { at: this.#now(), version, history });
    // A failed read is not kept: the next reader asks ECS again.
    history.catch(() => {
      if (this.#entries.get(key)?.history === history) this.#entries.delete(key);
    });
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= HISTORY_CACHE_ENTRIES) break;
      this.#entries.delete(oldest);
    }
    return history;
  }
}

/** What the status shows of a service that a new history would show too (HistoryCache's version). */
export function historyVersion(status: ServiceStatus | undefined): string {
  return JSON.stringify([
    status?.live?.taskDefinitionArn,
    status?.currentRollout?.id,
    status?.currentRollout?.step,
    status?.recentRollouts[0]?.id,
    status?.recentRollouts[0]?.result,
    status?.suspended,
  ]);
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
