// The last good config revision, kept in AWS (SSM Parameter Store, adapters/aws/ssm-last-good-config.ts)
// so a deployer that restarts while the source head is invalid runs that revision instead of nothing.
// Both directions are best effort: an unreachable store is logged, never a reason to stop intake.
import type { Logger } from 'pino';
import type { Clock, LastGoodConfigStore } from '../ports.ts';

export class LastGoodKeeper {
  readonly #store: LastGoodConfigStore | undefined;
  readonly #clock: Clock;
  readonly #log: Logger;
  #written: string | undefined;

  constructor(deps: { store: LastGoodConfigStore | undefined; clock: Clock; logger: Logger }) {
    this.#store = deps.store;
    this.#clock = deps.clock;
    this.#log = deps.logger;
  }

  /** Records an applied revision (once per revision). */
  async remember(revision: string, signal: AbortSignal): Promise<void> {
    if (!this.#store || revision === this.#written) return;
    try {
      await this.#store.write({ revision, appliedAt: this.#clock.now().toISOString() }, signal);
      this.#written = revision;
    } catch (error) {
      if (signal.aborted) throw error;
      this.#log.warn(
        { err: error, revision },
        'cannot record the last good config revision; a restart with an invalid head would run no config',
      );
    }
  }

  /** The recorded revision, or undefined when none is recorded or the store cannot be read. */
  async recall(signal: AbortSignal): Promise<string | undefined> {
    if (!this.#store) return undefined;
    try {
      const lastGood = await this.#store.read(signal);
      if (lastGood) this.#written = lastGood.revision;
      return lastGood?.revision;
    } catch (error) {
      if (signal.aborted) throw error;
      this.#log.error({ err: error }, 'cannot read the last good config revision');
      return undefined;
    }
  }
}
