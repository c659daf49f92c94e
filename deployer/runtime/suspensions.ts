// Runtime suspensions (API suspend, manual rollback), recorded as a tag on the revision the service
// runs: every reconcile, on any replica and after any restart, reads them there. Memory only covers
// the moment between the API call and the tag being written.
import type { Logger } from 'pino';
import { type Suspension, suspensionMessage, suspensionOf } from '../domain/decide.ts';
import {
  type RevisionRecord,
  readRevisionTags,
  revisionTags,
  type SuspensionReason,
} from '../domain/revision-tags.ts';
import type { ServiceConfig } from '../domain/types.ts';
import type { EcsPort } from '../ports.ts';
import type { DeployerMetrics } from './metrics.ts';
import type { StatusStore } from './status-store.ts';

export interface SuspensionsDeps {
  ecs: EcsPort;
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
    this.hold(config.name, suspension);
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

  /** Suspends in memory only (while a manual rollback is being done). */
  hold(name: string, suspension: Suspension): void {
    this.#pending.set(name, suspension);
    this.show(name, suspension);
  }

  /** Status only: what a reconcile or the rebuild found on the live revision. */
  show(name: string, suspension: Suspension | undefined): void {
    this.#deps.store.update(name, (service) => {
      service.suspended = suspension !== undefined;
    });
    if (!suspension) return;
    this.#deps.store.setSync(name, 'Suspended', suspension.reason, suspension.message);
    this.#deps.metrics.syncState(name, 'Suspended');
  }

  /** Clears the tag on a revision the service no longer runs (best effort). */
  async clearTag(taskDefinitionArn: string, signal: AbortSignal): Promise<void> {
    try {
      await this.#deps.ecs.tagResource(taskDefinitionArn, revisionTags({ suspended: 'resumed' }), signal);
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
    const live = (await this.#deps.ecs.describeService(config.cluster, config.service, signal))
      .taskDefinitionArn;
    const known = this.#pending.has(config.name) || this.#deps.store.service(config.name)?.suspended === true;
    if (!known) {
      const { tags } = await this.#deps.ecs.describeTaskDefinition(live, signal);
      if (!suspensionOf(readRevisionTags(tags), live)) return false;
    }
    await this.#tag(config, 'resumed', live, signal);
    this.drop(config.name);
    return true;
  }

  /** Forgets a suspension without touching ECS (a failed manual rollback). */
  drop(name: string): void {
    this.#pending.delete(name);
    this.#deps.store.update(name, (service) => {
      service.suspended = false;
    });
  }

  /** From the live revision's tags at start (rebuild-status.ts). */
  restore(name: string, record: RevisionRecord, taskDefinitionArn: string): void {
    const suspension = suspensionOf(record, taskDefinitionArn);
    if (suspension) this.show(name, suspension);
  }

  async #tag(
    config: ServiceConfig,
    value: SuspensionReason | 'resumed',
    arn: string | undefined,
    signal: AbortSignal,
  ): Promise<void> {
    const target =
      arn ?? (await this.#deps.ecs.describeService(config.cluster, config.service, signal)).taskDefinitionArn;
    await this.#deps.ecs.tagResource(target, revisionTags({ suspended: value }), signal);
  }
}
