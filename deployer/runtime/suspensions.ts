// Runtime suspensions (API suspend, manual rollback), recorded as a tag on the revision the service
// runs: every reconcile, on any replica and after any restart, reads them there. Memory only covers
// the moment between the API call and the tag being written.
import type { Logger } from 'pino';
import {
  type RevisionRecord,
  readRevisionTags,
  revisionTags,
  type SuspensionReason,
} from '../domain/revision-tags.ts';
import { type Suspension, suspensionMessage, suspensionOf } from '../domain/suspension.ts';
import type { ServiceConfig } from '../domain/types.ts';
import type { EcsPort } from '../ports.ts';
import type { DeployerMetrics } from './metrics.ts';
import type { StatusStore } from './status-store.ts';

export interface SuspensionsDeps {
  ecs: EcsPort;
  /** An environment in another Region or account: its own ECS port (environment-ports.ts). */
  ecsOf?: ((config: ServiceConfig) => EcsPort) | undefined;
  store: StatusStore;
  metrics: DeployerMetrics;
  logger: Logger;
}

export class Suspensions {
  readonly #deps: SuspensionsDeps;
  /** Suspensions made here whose tag is not written (yet): memory bridges until ECS has it. */
  readonly #pending = new Map<string, Suspension>();

  constructor(deps: SuspensionsDeps) {
    this.#deps = deps;
  }

  get(name: string): Suspension | undefined {
    return this.#pending.get(name);
  }

  /** Suspends at once (status, memory); the tag on `taskDefinitionArn` (default: the live one) follows. */
  suspend(
    config: ServiceConfig,
    reason: SuspensionReason,
    options: { message?: string; taskDefinitionArn?: string } = {},
  ): void {
    const suspension = { reason, message: options.message ?? suspensionMessage(reason) };
    this.#pending.set(config.name, suspension);
    this.#show(config.name, suspension);
    this.#tag(config, reason, options.taskDefinitionArn, AbortSignal.timeout(30_000)).then(
      () => {
        if (this.#pending.get(config.name) === suspension) this.#pending.delete(config.name);
      },
      (error: unknown) => {
        this.#deps.logger.warn(
          { err: error, service: config.name },
          'could not record the suspension in ECS; only this deployer process knows it',
        );
      },
    );
  }

  /**
   * Holds a suspension in memory only, not shown: reconciles stop rolling forward while a manual
   * rollback runs. Returns what it replaced, for `release`.
   */
  hold(name: string, suspension: Suspension): Suspension | undefined {
    const before = this.#pending.get(name);
    this.#pending.set(name, suspension);
    return before;
  }

  /** Puts back what `hold` replaced (a failed manual rollback); the status never showed the hold. */
  release(name: string, before: Suspension | undefined): void {
    if (before) this.#pending.set(name, before);
    else this.#pending.delete(name);
  }

  /** Status: a suspension the API made, or the rebuild found on the live revision, shows at once. */
  #show(name: string, suspension: Suspension): void {
    this.#deps.store.suspensionShown(name, suspension);
    this.#deps.metrics.syncState(name, 'Suspended');
  }

  /** Clears the tag on a revision the service no longer runs (best effort). */
  async clearTag(config: ServiceConfig, taskDefinitionArn: string, signal: AbortSignal): Promise<void> {
    try {
      await this.#ecs(config).tagResource(taskDefinitionArn, revisionTags({ suspended: 'resumed' }), signal);
    } catch (error) {
      this.#deps.logger.warn({ err: error, taskDefinitionArn }, 'could not clear the suspension tag');
    }
  }

  /**
   * Lifts a suspension: the tag first (so a failure changes nothing), then memory. Returns false, and
   * changes nothing, when there is none to lift: not in memory, not in the status, and not on the live
   * revision (read from ECS, so a suspension made through another replica counts).
   */
  async resume(config: ServiceConfig, signal: AbortSignal): Promise<boolean> {
    const ecs = this.#ecs(config);
    const live = (await ecs.describeService(config.cluster, config.service, signal)).taskDefinitionArn;
    const known = this.#pending.has(config.name) || this.#deps.store.service(config.name)?.suspended === true;
    if (!known) {
      const { tags } = await ecs.describeTaskDefinition(live, signal);
      if (!suspensionOf(readRevisionTags(tags), live)) return false;
    }
    await this.#tag(config, 'resumed', live, signal);
    this.#drop(config.name);
    return true;
  }

  /** Forgets a suspension in memory and status (after resume wrote the tag). */
  #drop(name: string): void {
    this.#pending.delete(name);
    this.#deps.store.update(name, (service) => {
      service.suspended = false;
    });
  }

  /** From the live revision's tags at start (rebuild-status.ts). */
  restore(name: string, record: RevisionRecord, taskDefinitionArn: string): void {
    const suspension = suspensionOf(record, taskDefinitionArn);
    if (suspension) this.#show(name, suspension);
  }

  async #tag(
    config: ServiceConfig,
    value: SuspensionReason | 'resumed',
    arn: string | undefined,
    signal: AbortSignal,
  ): Promise<void> {
    const ecs = this.#ecs(config);
    const target =
      arn ?? (await ecs.describeService(config.cluster, config.service, signal)).taskDefinitionArn;
    await ecs.tagResource(target, revisionTags({ suspended: value }), signal);
  }

  #ecs(config: ServiceConfig): EcsPort {
    return this.#deps.ecsOf?.(config) ?? this.#deps.ecs;
  }
}
