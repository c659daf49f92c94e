// The service's settings from the environment, validated in one place. Problems are collected and
// reported together, each naming the variable to fix.
import { randomBytes } from 'node:crypto';
import { SERVICE_PORT } from '../common/contract.ts';
import type { Credentials } from './basic-auth.ts';

export const SERVICE_ENV = {
  port: 'PORT',
  host: 'HOST',
  logLevel: 'LOG_LEVEL',
  user: 'ACTORS_AUTH_USER',
  password: 'ACTORS_AUTH_PASSWORD',
  allowGenerated: 'ACTORS_ALLOW_GENERATED_CREDENTIALS',
  shutdownTimeout: 'SHUTDOWN_TIMEOUT_SECONDS',
} as const;

/** ECS sends SIGKILL 30 s (the default stopTimeout) after SIGTERM: finish well before that. */
export const DEFAULT_SHUTDOWN_TIMEOUT_SECONDS = 10;
const MAX_SHUTDOWN_TIMEOUT_SECONDS = 120;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface ServiceSettings {
  host: string;
  port: number;
  logLevel: LogLevel;
  credentials: Credentials;
  /** True when the credentials were generated (dev only): main logs them once. */
  credentialsGenerated: boolean;
  /** How long a graceful stop may take before the process exits 1 anyway. */
  shutdownTimeoutSeconds: number;
}

export class ServiceSettingsError extends Error {
  readonly problems: readonly string[];

  constructor(problems: string[]) {
    super(`invalid actors service settings: ${problems.join('; ')}`);
    this.name = 'ServiceSettingsError';
    this.problems = problems;
  }
}

export function generateCredentials(): Credentials {
  return { user: 'dev', password: randomBytes(18).toString('base64url') };
}

function parsePort(raw: string | undefined, problems: string[]): number {
  if (raw === undefined || raw.trim() === '') return SERVICE_PORT;
  const port = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isInteger(port) || port > 65_535) {
    problems.push(`${SERVICE_ENV.port} must be an integer from 0 to 65535, got '${raw}'`);
    return SERVICE_PORT;
  }
  return port;
}

function parseShutdownTimeout(raw: string | undefined, problems: string[]): number {
  if (raw === undefined || raw.trim() === '') return DEFAULT_SHUTDOWN_TIMEOUT_SECONDS;
  const seconds = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || seconds < 1 || seconds > MAX_SHUTDOWN_TIMEOUT_SECONDS) {
    problems.push(
      `${SERVICE_ENV.shutdownTimeout} must be a whole number of seconds from 1 to ${MAX_SHUTDOWN_TIMEOUT_SECONDS} ` +
        `(keep it below the ECS stopTimeout), got '${raw}'`,
    );
    return DEFAULT_SHUTDOWN_TIMEOUT_SECONDS;
  }
  return seconds;
}

function parseLogLevel(raw: string | undefined, problems: string[]): LogLevel {
  if (raw === undefined || raw.trim() === '') return 'info';
  const level = LOG_LEVELS.find((candidate) => candidate === raw.trim().toLowerCase());
  if (!level) problems.push(`${SERVICE_ENV.logLevel} must be one of ${LOG_LEVELS.join(', ')}, got '${raw}'`);
  return level ?? 'info';
}

function parseCredentials(
  env: NodeJS.ProcessEnv,
  generate: () => Credentials,
  problems: string[],
): { credentials: Credentials; generated: boolean } {
  const user = env[SERVICE_ENV.user] ?? '';
  const password = env[SERVICE_ENV.password] ?? '';
  const allowGenerated = env[SERVICE_ENV.allowGenerated]?.trim().toLowerCase() === 'true';
  if (user === '' && password === '') {
    if (allowGenerated) return { credentials: generate(), generated: true };
    problems.push(
      `set ${SERVICE_ENV.user} and ${SERVICE_ENV.password} (the basic auth credentials for /actors), ` +
        `or ${SERVICE_ENV.allowGenerated}=true to generate random ones for local development only`,
    );
  } else {
    if (user === '') problems.push(`${SERVICE_ENV.user} is empty but ${SERVICE_ENV.password} is set`);
    if (password === '') problems.push(`${SERVICE_ENV.password} is empty but ${SERVICE_ENV.user} is set`);
    if (user.includes(':')) problems.push(`${SERVICE_ENV.user} must not contain ':' (RFC 7617)`);
  }
  return { credentials: { user, password }, generated: false };
}

/** Reads and validates the settings; throws ServiceSettingsError listing every problem. */
export function loadServiceSettings(
  env: NodeJS.ProcessEnv,
  generate: () => Credentials = generateCredentials,
): ServiceSettings {
  const problems: string[] = [];
  const port = parsePort(env[SERVICE_ENV.port], problems);
  const host = env[SERVICE_ENV.host]?.trim() || '0.0.0.0';
  const logLevel = parseLogLevel(env[SERVICE_ENV.logLevel], problems);
  const shutdownTimeoutSeconds = parseShutdownTimeout(env[SERVICE_ENV.shutdownTimeout], problems);
  const { credentials, generated } = parseCredentials(env, generate, problems);
  if (problems.length > 0) throw new ServiceSettingsError(problems);
  return { host, port, logLevel, credentials, credentialsGenerated: generated, shutdownTimeoutSeconds };
}
