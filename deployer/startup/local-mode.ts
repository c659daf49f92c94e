// Local mode (`npm start`): the deployer brings its own world. Starts the local stand-ins in-process
// (unless QUEUE_URL points at one already, e.g. `npm run local` in another terminal), points the
// settings at them and fills in a status token and webhook secret when none are set.
// Loaded with a dynamic import only in local mode: local/ needs devDependencies (fauxqs) that the
// production image does not install.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Logger } from 'pino';
import { isAddressInUse, listenOrExplain } from '../../common/port-in-use.ts';
import { watchParent } from '../../local/tasks/parent-watch.ts';
import type { LocalWorld } from '../../local/world.ts';
import { startLocalWorld } from '../../local/world.ts';
import { localWorldOptionsFromEnv } from '../../local/world-options-from-env.ts';
import type { GitHubSettings } from '../github/github-settings.ts';
import type { Settings } from '../runtime/settings.ts';
import { STATUS_TOKEN_NAME } from '../shared/api-tokens.ts';
import type { CreateAdaptersOptions } from './create-adapters.ts';

export interface LocalMode {
  settings: Settings;
  /** The embedded world, or undefined when QUEUE_URL named an external one. */
  world: LocalWorld | undefined;
  adapterOptions: Omit<CreateAdaptersOptions, 'settings' | 'logger'>;
  /** Which secrets were generated for this run (printed in the banner). */
  generated: { statusToken: boolean; githubWebhookSecret: boolean };
  /** The GitHub stand-in, started when no GitHub credentials are set (LOCAL_GITHUB=off skips it). */
  github?: { url: string; settings: GitHubSettings; close(): Promise<void> };
}

/**
 * Local runs sit under npm, a terminal or a test harness: when that parent dies without passing a
 * signal on (kill -9), `stop` is called as if a signal had come.
 */
export function stopWithParent(stop: () => void): void {
  watchParent(stop);
}

const LOCAL_GITHUB_PORT = 4610;
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
  const statusToken = settings.statusToken ?? randomBytes(24).toString('base64url');
  const withSecrets: Settings = {
    ...settings,
    statusToken,
    // The token list was parsed before a status token existed: a generated one joins it as the
    // operate token `status-token`, or the token the banner prints would open nothing.
    apiTokens: generated.statusToken
      ? [{ name: STATUS_TOKEN_NAME, scope: 'operate', secret: statusToken }, ...settings.apiTokens]
      : settings.apiTokens,
    githubWebhookSecret: settings.githubWebhookSecret ?? randomBytes(24).toString('base64url'),
  };
  const github = await startGitHubStandIn(env, logger, settings);
  if (settings.queueUrl) {
    // An external local world (`npm run local`, endpoints in AWS_ENDPOINT_URL_*) or real AWS. Stand-ins
    // accept any key; real AWS keeps the SDK's credential chain (profiles, SSO).
    const standIns = Boolean(env.AWS_ENDPOINT_URL_SQS || env.AWS_ENDPOINT_URL);
    const credentials = standIns && !env.AWS_ACCESS_KEY_ID ? { credentials: LOCAL_CREDENTIALS } : {};
    return {
      settings: withSecrets,
      world: undefined,
      adapterOptions: { env, ...credentials },
      generated,
      ...(github ? { github } : {}),
    };
  }
  const world = await startLocalWorld({
    ...localWorldOptionsFromEnv(env),
    logger,
  });
  return {
    settings: {
      ...withSecrets,
      queueUrl: world.queueUrl,
      dlqUrl: world.dlqUrl,
      // The world's ECS bakes in short "minutes"; the status counts down in the same ones.
      ecsMinuteMs: Number(world.env().ECS_MINUTE_MS),
      // The embedded world plays the stack: its distribution id and load balancer fill `${stack:*}`.
      stackValues: settings.stackValues ?? world.stackValues,
    },
    world,
    adapterOptions: {
      env: { ...env, ...world.env() },
      endpoints: world.endpoints,
      credentials: LOCAL_CREDENTIALS,
    },
    generated,
    ...(github ? { github } : {}),
  };
}

/** Rollouts of config commits then show up as GitHub deployments on the stand-in's page. */
async function startGitHubStandIn(
  env: NodeJS.ProcessEnv,
  logger: Logger,
  settings: Settings,
): Promise<LocalMode['github']> {
  const configured = env.GITHUB_TOKEN || env.GITHUB_APP_ID;
  if (configured || env.LOCAL_GITHUB === 'off') return undefined;
  const { startGitHubStandIn: start } = await import('../../local/github/server.ts');
  const token = randomBytes(18).toString('base64url');
  const chosen = env.LOCAL_GITHUB_PORT;
  if (chosen !== undefined && !/^\d{1,5}$/.test(chosen))
    throw new Error(`LOCAL_GITHUB_PORT=${JSON.stringify(chosen)} must be a port number (0 = any free port)`);
  // The fixed default is for humans; when it is taken (another local run) any free port will do.
  const port = Number(chosen ?? LOCAL_GITHUB_PORT);
  // A local config repository is what the stand-in serves as the repository (pin pull requests).
  const repository = localRepository(settings);
  const options = { logger, token, ...(repository ? { repository } : {}) };
  const standIn = await listenOrExplain(() => start({ ...options, port }), {
    component: 'The local GitHub stand-in',
    address: '127.0.0.1',
    port,
    variable: 'LOCAL_GITHUB_PORT',
  }).catch((error: unknown) => {
    if (chosen === undefined && isAddressInUse(error)) return start({ ...options, port: 0 });
    throw error;
  });
  const [owner = 'local', repo = 'config'] = (env.GITHUB_REPOSITORY ?? 'local/config').split('/');
  return {
    url: standIn.url,
    settings: {
      auth: { kind: 'token', token },
      apiUrl: standIn.url,
      owner,
      repo,
      statusContext: 'ecs-gitops/config',
      // Opt-in, as against GitHub; the stand-in serves the local config repository for it.
      ...(env.GITHUB_PIN_PULL_REQUESTS === 'true' && settings.config.kind === 'git' && repository
        ? {
            pinPullRequests: { baseBranch: settings.config.branch, configDir: settings.config.dir },
          }
        : {}),
    },
    close: () => standIn.close(),
  };
}

/** CONFIG_REPOSITORY as a directory on this machine (a path or file:// URL), else undefined. */
function localRepository(settings: Settings): string | undefined {
  if (settings.config.kind !== 'git') return undefined;
  const { repository } = settings.config;
  if (repository.startsWith('file://')) return new URL(repository).pathname;
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(repository) || /^[^/]+@[^:]+:/.test(repository)
    ? undefined
    : path.resolve(repository);
}
