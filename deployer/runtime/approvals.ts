// Approvals and rejections of a held digest (`ecs-gitops approve|reject <service>`), recorded as a tag
// on the revision the service runs (revision-tags.ts `approval`): every replica and every restart reads
// them there, as it reads a suspension. Memory only bridges the moment until a reconcile reads ECS again.
import type { Logger } from 'pino';
import { type ApprovalRecord, approvalTagValue } from '../domain/gates/approval.ts';
import { revisionTags } from '../domain/revision-tags.ts';
import type { ServiceConfig } from '../domain/types.ts';
import type { Clock, EcsPort } from '../ports.ts';
import { ExpiringMap } from '../shared/expiring-map.ts';

export interface ApprovalsDeps {
  ecs: EcsPort;
  /** An environment in another Region or account: its own ECS port (environment-ports.ts). */
  ecsOf?: ((config: ServiceConfig) => EcsPort) | undefined;
  clock: Clock;
  logger: Logger;
}

/** Long enough for the reconcile the API queues; short enough that another replica's newer verdict wins. */
const BRIDGE_MS = 5 * 60_000;

export class Approvals {
  readonly #deps: ApprovalsDeps;
  readonly #recent: ExpiringMap<ApprovalRecord>;

  constructor(deps: ApprovalsDeps) {
    this.#deps = deps;
    this.#recent = new ExpiringMap({
      ttlMs: BRIDGE_MS,
      maxEntries: 10_000,
      now: () => deps.clock.now().getTime(),
    });
  }

  /** A verdict this process recorded lately, for the reconcile that follows. */
  get(service: string): ApprovalRecord | undefined {
    return this.#recent.get(service);
  }

  /**
   * Records the verdict on the live revision first (so a failure changes nothing), then in memory.
   * A tag on a task definition revision is how ECS lets us keep state with it:
   * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_TagResource.html
   */
  async record(config: ServiceConfig, verdict: ApprovalRecord, signal: AbortSignal): Promise<string> {
    const ecs = this.#deps.ecsOf?.(config) ?? this.#deps.ecs;
    const live = await ecs.describeService(config.cluster, config.service, signal);
    await ecs.tagResource(
      live.taskDefinitionArn,
      revisionTags({ approval: approvalTagValue(verdict) }),
      signal,
    );
    this.#recent.set(config.name, verdict);
    return live.taskDefinitionArn;
  }
}
