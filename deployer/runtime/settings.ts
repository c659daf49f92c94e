// The deployer's settings, read once from the environment at start. Every problem is collected and
// reported together (one restart fixes them all), each naming the variable and what to set.
import os from 'node:os';
import path from 'node:path';
import { DEPLOYER_PORT } from '../../common/contract.ts';
import type { DeployerMode } from '../contract/status-model.ts';
import { parseStackValues, STACK_VALUES_VARIABLE, type StackValues } from '../domain/config/stack-values.ts';
import { type ApiToken, parseApiTokens } from '../shared/api-tokens.ts';

export type ConfigLocation =
  /** A git repository (URL or local path) read at commits; configs live in `<dir>/services/`. */
  | { kind: 'git'; repository: string; branch: string; dir: string; cacheDir: string }
  /** A plain directory that holds `services/*.yaml` (local runs; edits are picked up by resync). */
  | { kind: 'directory'; path: string };

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Settings {
  mode: DeployerMode;
  region: string;
  /** SQS FIFO queue; undefined in local mode means the composition root provides a queue itself. */
  queueUrl: string | undefined;
  dlqUrl: string | undefined;
  /**
   * SSM parameter path under which a successful rollout records each service's image
   * (`<prefix>/<service>/image`, read by the stack); undefined: nothing is recorded (the local world).
   */
  releaseParameterPrefix: string | undefined;
  config: ConfigLocation;
  /** Git ref a push must target to count (`refs/heads/<CONFIG_BRANCH>`). */
  trackedRef: string;
  port: number;
  host: string;
  /** HMAC secret of the GitHub webhook; required in aws mode. */
  githubWebhookSecret: string | undefined;
  /** Bearer token for the API (and the read endpoints in aws mode); required in aws mode. */
  statusToken: string | undefined;
  /** STATUS_TOKEN (operate) and the named, scoped API_TOKENS (deployer/shared/api-tokens.ts). */
  apiTokens: ApiToken[];
  resyncIntervalSeconds: number;
  visibilityTimeoutSeconds: number;
  heartbeatSeconds: number;
  maxReceives: number;
  concurrency: number;
  /** Deployer replicas sharing the queue (REPLICAS): each replica's status refresh takes its share of the ECS budget. */
  replicas: number;
  waitPollMs: number;
  /** How long an ECS "minute" of bake time lasts (ECS_MINUTE_MS): 60,000 on AWS; the local world's is shorter. */
  ecsMinuteMs: number;
  logLevel: LogLevel;
  /** SSM parameter that keeps the last good config revision across restarts. */
  lastGoodConfigParameter: string;
  /**
   * Whether verify URLs may reach loopback and private addresses (VERIFY_ALLOW_PRIVATE_NETWORKS;
   * default: yes in local mode, no in aws mode). Metadata and link-local addresses never.
   */
  verifyAllowPrivateNetworks: boolean;
  /**
   * Values of `${stack:Name}` placeholders in the config (STACK_VALUES, a JSON object the stack sets on
   * the deployer task); undefined when unset (local mode then takes its world's values).
   */
  stackValues: StackValues | undefined;
}

export class SettingsError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`invalid deployer settings:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'SettingsError';
    this.problems = problems;
  }
}

export const MIN_SECRET_LENGTH = 16;

export const SETTINGS_DEFAULTS = {
  port: DEPLOYER_PORT,
  configBranch: 'main',
  configDir: 'config',
  configPath: './config',
  resyncIntervalSeconds: 300,
  visibilityTimeoutSeconds: 60,
  heartbeatSeconds: 20,
  maxReceives: 5,
  concurrency: 4,
  replicas: 1,
  waitPollMs: 30_000,
  ecsMinuteMs: 60_000,
  logLevel: 'info' as LogLevel,
  lastGoodConfigParameter: '/ecs-gitops/last-good-config',
} as const;

/** Reads and validates the settings; throws a SettingsError listing every bad or missing variable. */
export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const problems: string[] = [];
  const text = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = text(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(value) || value < min || value > max) {
      problems.push(`${name}=${JSON.stringify(raw)} must be a whole number from ${min} to ${max}`);
      return fallback;
    }
    return value;
  };

  const boolean = (name: string, fallback: boolean): boolean => {
    const raw = text(name)?.toLowerCase();
    if (raw === undefined) return fallback;
    if (raw === 'true' || raw === 'false') return raw === 'true';
    problems.push(`${name}=${JSON.stringify(raw)} must be true or false`);
    return fallback;
  };

  const queueUrl = text('QUEUE_URL');
  const modeRaw = text('DEPLOYER_MODE');
  let mode: DeployerMode = queueUrl === undefined ? 'local' : 'aws';
  if (modeRaw === 'local' || modeRaw === 'aws') mode = modeRaw;
  else if (modeRaw !== undefined)
    problems.push(`DEPLOYER_MODE=${JSON.stringify(modeRaw)} must be local or aws`);

  const region = text('AWS_REGION') ?? text('AWS_DEFAULT_REGION') ?? (mode === 'local' ? 'us-east-1' : '');
  if (region === '') problems.push('AWS_REGION is required in aws mode (e.g. eu-west-1)');
  if (mode === 'aws' && queueUrl === undefined)
    problems.push('QUEUE_URL is required in aws mode (the SQS FIFO queue URL, ending in .fifo)');
  if (queueUrl !== undefined && !isHttpUrl(queueUrl))
    problems.push(`QUEUE_URL=${JSON.stringify(queueUrl)} must be an http(s) URL`);
  // Message groups and deduplication ids (the whole coordination model) only exist on FIFO queues.
  else if (queueUrl !== undefined && !/\.fifo\/?$/.test(queueUrl))
    problems.push(`QUEUE_URL=${JSON.stringify(queueUrl)} must be an SQS FIFO queue (its name ends in .fifo)`);
  const dlqUrl = text('DLQ_URL');
  if (dlqUrl !== undefined && !isHttpUrl(dlqUrl))
    problems.push(`DLQ_URL=${JSON.stringify(dlqUrl)} must be an http(s) URL`);

  const releaseParameterPrefix = text('RELEASE_PARAMETER_PREFIX');
  // SSM names: letters, digits and `_.-` in `/`-separated levels; a hierarchy starts with `/`
  // (https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-su-create.html).
  if (releaseParameterPrefix !== undefined && !/^(\/[A-Za-z0-9_.-]+)+$/.test(releaseParameterPrefix))
    problems.push(
      `RELEASE_PARAMETER_PREFIX=${JSON.stringify(releaseParameterPrefix)} must be an SSM parameter path such as /ecs-gitops/MyStack (no trailing slash)`,
    );

  const branch = text('CONFIG_BRANCH') ?? SETTINGS_DEFAULTS.configBranch;
  if (!/^[A-Za-z0-9_][A-Za-z0-9._/-]{0,254}$/.test(branch))
    problems.push(`CONFIG_BRANCH=${JSON.stringify(branch)} is not a valid branch name`);
  const config = configLocation(text, mode, branch, problems);

  const port = integer('PORT', SETTINGS_DEFAULTS.port, 0, 65_535);
  const host = text('HOST') ?? (mode === 'aws' ? '0.0.0.0' : '127.0.0.1');

  const githubWebhookSecret = text('GITHUB_WEBHOOK_SECRET');
  const statusToken = text('STATUS_TOKEN');
  if (mode === 'aws' && githubWebhookSecret === undefined)
    problems.push('GITHUB_WEBHOOK_SECRET is required in aws mode (the secret set on the GitHub webhook)');
  if (mode === 'aws' && statusToken === undefined)
    problems.push('STATUS_TOKEN is required in aws mode (bearer token for the status and API endpoints)');
  // Guessable credentials on a public endpoint are worse than none: refuse short ones in aws mode.
  for (const [name, value] of [
    ['GITHUB_WEBHOOK_SECRET', githubWebhookSecret],
    ['STATUS_TOKEN', statusToken],
  ] as const) {
    if (mode === 'aws' && value !== undefined && value.length < MIN_SECRET_LENGTH)
      problems.push(
        `${name} must be at least ${MIN_SECRET_LENGTH} characters in aws mode (e.g. \`openssl rand -hex 32\`)`,
      );
  }

  const apiTokens = parseApiTokens(statusToken, text('API_TOKENS'), mode === 'aws' ? MIN_SECRET_LENGTH : 1);
  problems.push(...apiTokens.problems);

  const resyncIntervalSeconds = integer(
    'RESYNC_INTERVAL_SECONDS',
    SETTINGS_DEFAULTS.resyncIntervalSeconds,
    0,
    86_400,
  );
  // SQS allows visibility timeouts up to 12 hours.
  const visibilityTimeoutSeconds = integer(
    'VISIBILITY_TIMEOUT_SECONDS',
    SETTINGS_DEFAULTS.visibilityTimeoutSeconds,
    1,
    43_200,
  );
  const heartbeatSeconds = integer('HEARTBEAT_SECONDS', SETTINGS_DEFAULTS.heartbeatSeconds, 1, 43_199);
  if (heartbeatSeconds >= visibilityTimeoutSeconds)
    problems.push(
      `HEARTBEAT_SECONDS (${heartbeatSeconds}) must be less than VISIBILITY_TIMEOUT_SECONDS (${visibilityTimeoutSeconds}), or messages reappear while still being worked on`,
    );
  const maxReceives = integer('MAX_RECEIVES', SETTINGS_DEFAULTS.maxReceives, 1, 1000);
  const concurrency = integer('CONCURRENCY', SETTINGS_DEFAULTS.concurrency, 1, 64);
  const replicas = integer('REPLICAS', SETTINGS_DEFAULTS.replicas, 1, 100);
  const waitPollMs = integer('WAIT_POLL_MS', SETTINGS_DEFAULTS.waitPollMs, 10, 600_000);
  const ecsMinuteMs = integer('ECS_MINUTE_MS', SETTINGS_DEFAULTS.ecsMinuteMs, 1, 60_000);

  const levelRaw = text('LOG_LEVEL')?.toLowerCase() ?? SETTINGS_DEFAULTS.logLevel;
  const logLevel = (LOG_LEVELS as readonly string[]).includes(levelRaw)
    ? (levelRaw as LogLevel)
    : SETTINGS_DEFAULTS.logLevel;
  const verifyAllowPrivateNetworks = boolean('VERIFY_ALLOW_PRIVATE_NETWORKS', mode === 'local');
  const stackValuesText = text(STACK_VALUES_VARIABLE);
  const stackValuesParse = stackValuesText === undefined ? undefined : parseStackValues(stackValuesText);
  if (stackValuesParse && !stackValuesParse.ok) problems.push(stackValuesParse.message);
  const stackValues = stackValuesParse?.ok ? stackValuesParse.values : undefined;

  if (logLevel !== levelRaw)
    problems.push(`LOG_LEVEL=${JSON.stringify(levelRaw)} must be one of ${LOG_LEVELS.join(', ')}`);

  const lastGoodConfigParameter =
    text('LAST_GOOD_CONFIG_PARAMETER') ?? SETTINGS_DEFAULTS.lastGoodConfigParameter;
  // SSM names: letters, digits and . - _ / (a hierarchy starts with /), at most 1011 characters.
  if (
    !/^\/?[A-Za-z0-9_.\-/]{1,1010}$/.test(lastGoodConfigParameter) ||
    /^\/?(aws|ssm)/i.test(lastGoodConfigParameter)
  )
    problems.push(
      `LAST_GOOD_CONFIG_PARAMETER=${JSON.stringify(lastGoodConfigParameter)} must be an SSM parameter name such as /ecs-gitops/last-good-config (letters, digits, . - _ /; not starting with aws or ssm)`,
    );

  if (problems.length > 0) throw new SettingsError(problems);
  return {
    mode,
    region,
    queueUrl,
    dlqUrl,
    releaseParameterPrefix,
    config,
    trackedRef: `refs/heads/${branch}`,
    port,
    host,
    githubWebhookSecret,
    statusToken,
    apiTokens: apiTokens.tokens,
    resyncIntervalSeconds,
    visibilityTimeoutSeconds,
    heartbeatSeconds,
    maxReceives,
    concurrency,
    replicas,
    waitPollMs,
    ecsMinuteMs,
    logLevel,
    lastGoodConfigParameter,
    verifyAllowPrivateNetworks,
    stackValues,
  };
}

function configLocation(
  text: (name: string) => string | undefined,
  mode: DeployerMode,
  branch: string,
  problems: string[],
): ConfigLocation {
  const repository = text('CONFIG_REPOSITORY');
  const configPath = text('CONFIG_PATH');
  if (repository !== undefined && configPath !== undefined) {
    problems.push(
      'set either CONFIG_REPOSITORY (a git repository) or CONFIG_PATH (a plain directory), not both',
    );
  }
  if (repository !== undefined) {
    const dir = (text('CONFIG_DIR') ?? SETTINGS_DEFAULTS.configDir).replace(/^\/+|\/+$/g, '');
    if (dir.split('/').includes('..'))
      problems.push(`CONFIG_DIR=${JSON.stringify(dir)} must be a path inside the repository (no ..)`);
    const cacheDir = text('CONFIG_CACHE_DIR') ?? path.join(os.tmpdir(), 'ecs-gitops-config-cache');
    return { kind: 'git', repository, branch, dir, cacheDir };
  }
  if (configPath === undefined && mode === 'aws') {
    problems.push(
      'CONFIG_REPOSITORY is required in aws mode (git URL of the repository holding config/services/*.yaml)',
    );
  }
  return { kind: 'directory', path: path.resolve(configPath ?? SETTINGS_DEFAULTS.configPath) };
}

function isHttpUrl(value: string): boolean {
  // SQS emulators hand out hosts like `sqs.us-east-1.127.0.0.1:4566`, which WHATWG URL rejects
  // (a host ending in a number must be an IPv4 address); the SDK never connects to that host anyway.
  if (/^https?:\/\/sqs\.[a-z0-9-]+\.[0-9.]+(:\d+)?\/\S*$/.test(value)) return true;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
