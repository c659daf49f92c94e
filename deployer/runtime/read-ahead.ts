// The AWS reads of one reconcile, started together so the event path waits for one round of calls
// instead of four: the registry's images, the ECS service, the revision it ran when last seen (a
// guess, checked against what DescribeServices answers: a miss costs one more describe), and the
// family's recent revisions a rollout needs (ListTaskDefinitions, with the revisions listed last time
// described meanwhile). Every answer comes from AWS now, so tags are never stale; only which reads to
// start early is guessed. A reconcile that decides nothing needs the history reads in vain: the price
// of not waiting for them when it does.
// A guessed revision that is not among the listed ones is dropped; one that cannot be described
// (never registered, or INACTIVE: "You can only describe INACTIVE task definitions while an active
// task or service references them", ClientException otherwise,
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeTaskDefinition.html) is a
// wasted call, never an error: only listed (ACTIVE) revisions are awaited. moto 5.2.1 answers
// ClientException for a revision never registered, as ECS does (it also describes INACTIVE ones).
import { readRevisionTags } from '../domain/revision-tags.ts';
import type { ServiceConfig } from '../domain/types.ts';
import type { DescribedTaskDefinition, EcsPort, RegistryPort } from '../ports.ts';
import type { ObservedReads } from './observation.ts';
import { type RecentRevision, SEARCH_DEPTH } from './rollout/recent-revisions.ts';

/** `...:task-definition/<family>:<revision>` → family and revision. */
const REVISION_ARN = /^(arn:[^:]+:ecs:[^:]*:\d*:task-definition\/)([A-Za-z0-9_-]+):(\d+)$/;

export interface ServiceReads {
  reads: ObservedReads;
  /** The family's newest revisions with their tags, newest first (read-history in decide). */
  history(): Promise<RecentRevision[]>;
}

export interface ReadAheadDeps {
  ecs: EcsPort;
  registry: RegistryPort;
  repositoryUri: (repository: string, signal: AbortSignal) => Promise<string>;
}

export class ReadAhead {
  readonly #deps: ReadAheadDeps;
  /** Per family, the revisions ListTaskDefinitions answered last, newest first. */
  readonly #listed = new Map<string, string[]>();

  constructor(deps: ReadAheadDeps) {
    this.#deps = deps;
  }

  /** `lastSeenArn`: the revision the service ran when this process last looked (status), if any. */
  async read(
    config: ServiceConfig,
    lastSeenArn: string | undefined,
    signal: AbortSignal,
  ): Promise<ServiceReads> {
    const { ecs, registry } = this.#deps;
    const described = new Map<string, Promise<DescribedTaskDefinition>>();
    const describe = (arn: string): Promise<DescribedTaskDefinition> => {
      let answer = described.get(arn);
      if (!answer) {
        answer = ecs.describeTaskDefinition(arn, signal);
        answer.catch(() => undefined); // a guess nobody awaits must not be an unhandled rejection
        described.set(arn, answer);
      }
      return answer;
    };
    const guessed = lastSeenArn ? REVISION_ARN.exec(lastSeenArn) : null;
    const family = guessed?.[2];
    let listed: Promise<string[]> | undefined;
    if (lastSeenArn && family) {
      listed = ecs.listTaskDefinitions(family, signal);
      listed.catch(() => undefined);
      for (const arn of this.#likelyRecent(family, lastSeenArn)) void describe(arn);
    }
    const [images, repositoryUri, service] = await Promise.all([
      registry.listImages(config.image.repository, signal),
      this.#deps.repositoryUri(config.image.repository, signal),
      ecs.describeService(config.cluster, config.service, signal),
    ]);
    const live = await describe(service.taskDefinitionArn);
    const liveFamily = live.taskDefinition.family;
    return {
      reads: { images, repositoryUri, service, described: live },
      history: async () => {
        const list = liveFamily === family && listed ? listed : ecs.listTaskDefinitions(liveFamily, signal);
        const arns = (await list).slice(0, SEARCH_DEPTH);
        this.#listed.set(liveFamily, arns);
        const all = await Promise.all(arns.map(describe));
        return arns.map((arn, i) => ({ arn, record: readRevisionTags(all[i]?.tags ?? {}) }));
      },
    };
  }

  /**
   * The revisions ListTaskDefinitions will likely answer: those it answered last time and the one last
   * seen running (the rollout that made it live registered it since); before any list, the revisions
   * numbered down from the last seen one.
   */
  #likelyRecent(family: string, lastSeenArn: string): string[] {
    const parsed = REVISION_ARN.exec(lastSeenArn);
    const known = this.#listed.get(family);
    const candidates = new Set([lastSeenArn, ...(known ?? [])]);
    if (!known && parsed) {
      const [, prefix, , revision] = parsed;
      for (let n = Number(revision) - 1; n >= 1 && candidates.size < SEARCH_DEPTH; n--)
        candidates.add(`${prefix}${family}:${n}`);
    }
    const revisionOf = (arn: string) => Number(REVISION_ARN.exec(arn)?.[3] ?? 0);
    return [...candidates].sort((a, b) => revisionOf(b) - revisionOf(a)).slice(0, SEARCH_DEPTH);
  }
}
