// Local mode (`npm start`): the deployer brings its own world. Starts the local stand-ins in-process
// (unless QUEUE_URL points at one already, e.g. `npm run local` in another terminal), points the
// settings at them and fills in a status token and webhook secret when none are set.
// Loaded with a dynamic import only in local mode: local/ needs devDependencies (fauxqs) that the
// production image does not install.
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { watchParent } from '../../local/tasks/parent-watch.ts';
import type { LocalWorld } from '../../local/world.ts';
import { startLocalWorld } from '../../local/world.ts';
import { localWorldOptionsFromEnv } from '../../local/world-options-from-env.ts';
import type { Settings } from '../runtime/settings.ts';
import type { CreateAdaptersOptions } from './create-adapters.ts';

export interface LocalMode {
  settings: Settings;
  /** The embedded world, or undefined when QUEUE_URL named an external one. */
  world: LocalWorld | undefined;
  adapterOptions: Omit<CreateAdaptersOptions, 'settings' | 'logger'>;
  /** Which secrets were generated for this run (printed in the banner). */
  generated: { statusToken: boolean; githubWebhookSecret: boolean };
}

/**
 * Local runs sit under npm, a terminal or a test harness: when that parent dies without passing a
 * signal on (kill -9), `stop` is called as if a signal had come.
 */
export function stopWithParent(stop: () => void): void {
  watchParent(stop);
}

const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export async function startLocalMode(
  settings: Settings,
  env: NodeJS.ProcessEnv,
  logger: Logger,
): Promise<LocalMode> {
  const generated = {
    statusToken: !settings.statusToken,
    githubWebhookSecret: !settings.githubWebhookSecret,
  };
  const withSecrets: Settings = {
    ...settings,
    statusToken: settings.statusToken ?? randomBytes(24).toString('base64url'),
    githubWebhookSecret: settings.githubWebhookSecret ?? randomBytes(24).toString('base64url'),
  };
  if (settings.queueUrl) {
    // An external local world (`npm run local`, endpoints in AWS_ENDPOINT_URL_*) or real AWS. Stand-ins
    // accept any key; real AWS keeps the SDK's credential chain (profiles, SSO).
    const standIns = Boolean(env.AWS_ENDPOINT_URL_SQS || env.AWS_ENDPOINT_URL);
    const credentials = standIns && !env.AWS_ACCESS_KEY_ID ? { credentials: LOCAL_CREDENTIALS } : {};
    return { settings: withSecrets, world: undefined, adapterOptions: { env, ...credentials }, generated };
  }
  const world = await startLocalWorld({
    ...localWorldOptionsFromEnv(env),
    logger,
  });
  return {
    settings: { ...withSecrets, queueUrl: world.queueUrl, dlqUrl: world.dlqUrl },
    world,
    adapterOptions: {
      env: { ...env, ...world.env() },
      endpoints: world.endpoints,
      credentials: LOCAL_CREDENTIALS,
    },
    generated,
  };
}
