// The production adapters pointed at a local world (its stand-ins and SQS emulator), built by the
// deployer's own createAdapters: integration tests and benchmarks only say what they change.
import type { Logger } from 'pino';
import type { Settings } from '../../deployer/runtime/settings.ts';
import {
  type Adapters,
  type CreateAdaptersOptions,
  createAdapters,
} from '../../deployer/startup/create-adapters.ts';
import type { LocalWorld } from '../../local/world.ts';

export type WorldAdapterOverrides = Pick<
  CreateAdaptersOptions,
  'retryMode' | 'maxAttempts' | 'probeTimeoutMs' | 'wrapQueue'
> & {
  /** Endpoints that replace the world's (a fault proxy in front of one service). */
  endpoints?: CreateAdaptersOptions['endpoints'];
};

export function worldAdapters(
  world: LocalWorld,
  settings: Settings,
  logger: Logger,
  overrides: WorldAdapterOverrides = {},
): Adapters {
  const { endpoints, ...rest } = overrides;
  return createAdapters({
    settings,
    env: world.env(),
    endpoints: { ...world.endpoints, ...endpoints },
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    logger,
    ...rest,
  });
}
