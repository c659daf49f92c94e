// Runtime suspensions (API suspend, manual rollback), recorded as a tag on the revision the service
// runs: every reconcile, on any replica and after any restart, reads them there. Memory only covers
// the moment between the API call and the tag being written.
import type { Logger } from 'pino';
import type { ServiceConfig } from '../domain/types.ts';
import type { EcsPort } from '../ports.ts';
import type { DeployerMetrics } from './metrics.ts';
import type { Suspension } from './reconcile.ts';
import type { StatusStore } from './status-store.ts';

/** On the live revision: the reason of a runtime suspension, or RESUMED once lifted. */
export const SUSPENDED_TAG = 'ecs-gitops:suspended';
export const RESUMED = 'resumed';

export type SuspensionReason = 'SuspendedByApi' | 'ManualRollback';

const MESSAGES: Record<SuspensionReason, string> = {
  SuspendedByApi: 'tracking suspended by API; resume it to deploy again',
  ManualRollback: 'rolled back by API; tracking is suspended until resume',
};

export interface SuspensionsDeps {
  ecs: EcsPort;
  store: StatusStore;
  metrics: DeployerMetrics;
  logger: Logger;
}

/**
 * The suspension a live revision's tags record, if any: the source of truth every replica reads on
 * each reconcile (a suspension made through another replica's API included).
 */
export function suspensionFromTags(
  tags: Record<string, string>,
  taskDefinitionArn: string,
): Suspension | undefined {
  const value = tags[SUSPENDED_TAG];
  if (!value || value === RESUMED) return undefined;
  const reason = (Object.hasOwn(MESSAGES, value) ? value : 'SuspendedByApi') as SuspensionReason;
  const message =
    reason === 'ManualRollback'
      ? `rolled back by API to ${taskDefinitionArn}; tracking is suspended until resume`
      : MESSAGES[reason];
  return { reason, message };
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
    const suspension = { reason, message: options.message ?? MESSAGES[reason] };
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
      await this.#deps.ecs.tagResource(taskDefinitionArn, { [SUSPENDED_TAG]: RESUMED }, signal);
    } catch (error) {
      this.#deps.logger.warn({ err: error, taskDefinitionArn }, 'could not clear the suspension tag');
    }
  }

  /** Lifts a suspension: the tag first (so a failure changes nothing), then memory. */
  async resume(config: ServiceConfig, signal: AbortSignal): Promise<void> {
    await this.#tag(config, RESUMED, undefined, signal);
    this.drop(config.name);
  }

  /** Forgets a suspension without touching ECS (a failed manual rollback). */
  drop(name: string): void {
    this.#pending.delete(name);
    this.#deps.store.update(name, (service) => {
      service.suspended = false;
    });
  }

  /** From the live revision's tags at start (rebuild-status.ts). */
  restore(name: string, tags: Record<string, string>, taskDefinitionArn: string): void {
    const suspension = suspensionFromTags(tags, taskDefinitionArn);
    if (suspension) this.show(name, suspension);
  }

  async #tag(
    config: ServiceConfig,
    value: string,
    arn: string | undefined,
    signal: AbortSignal,
  ): Promise<void> {
    const target =
      arn ?? (await this.#deps.ecs.describeService(config.cluster, config.service, signal)).taskDefinitionArn;
    await this.#deps.ecs.tagResource(target, { [SUSPENDED_TAG]: value }, signal);
  }
}
