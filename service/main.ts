// Entry point of the actors service: settings -> logger -> app -> listen, and a graceful stop on
// SIGTERM/SIGINT (stop accepting, finish in-flight requests, exit within SHUTDOWN_TIMEOUT_SECONDS,
// 10 s by default, well inside ECS's 30 s stopTimeout).
import type { FastifyInstance } from 'fastify';
import type pino from 'pino';
import { buildActorsApp } from './app.ts';
import { createServiceLogger } from './logger.ts';
import { readPackageVersion } from './package-version.ts';
import { loadServiceSettings, SERVICE_ENV, ServiceSettingsError } from './settings.ts';
import { versionReportFromEnv } from './version-report.ts';

function installShutdown(app: FastifyInstance, logger: pino.Logger, timeoutMs: number): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal while stopping: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal, timeoutMs }, 'stopping: finishing in-flight requests');
    const started = performance.now();
    const deadline = setTimeout(() => {
      logger.error({ timeoutMs }, 'in-flight requests did not finish in time: exiting');
      process.exit(1);
    }, timeoutMs);
    deadline.unref();
    app.close().then(
      () => {
        logger.info({ durationMs: Math.round(performance.now() - started) }, 'stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

async function main(): Promise<void> {
  // Settings (LOG_LEVEL included) are not validated yet: report their problems at a fixed level.
  const bootLogger = createServiceLogger('info');
  let settings: ReturnType<typeof loadServiceSettings>;
  try {
    settings = loadServiceSettings(process.env);
  } catch (error) {
    if (!(error instanceof ServiceSettingsError)) throw error;
    bootLogger.fatal({ problems: error.problems }, `refusing to start: ${error.problems.join('; ')}`);
    process.exit(1);
  }
  const logger = createServiceLogger(settings.logLevel);
  if (settings.credentialsGenerated) {
    // Logged once, on purpose unredacted: without them nobody could call /actors.
    logger.warn(
      { devOnly: true, user: settings.credentials.user, password: settings.credentials.password },
      `DEV ONLY: generated random basic auth credentials because ${SERVICE_ENV.allowGenerated}=true; ` +
        `set ${SERVICE_ENV.user} and ${SERVICE_ENV.password} anywhere else`,
    );
  }
  const version = versionReportFromEnv(process.env, readPackageVersion());
  const app = buildActorsApp({ credentials: settings.credentials, version, logger });
  installShutdown(app, logger, settings.shutdownTimeoutSeconds * 1000);
  try {
    logger.info({ host: settings.host, port: settings.port, ...version }, 'starting actors service');
    await app.listen({
      host: settings.host,
      port: settings.port,
      listenTextResolver: (address) => `actors service listening at ${address}`,
    });
  } catch (error) {
    logger.fatal({ err: error, host: settings.host, port: settings.port }, 'could not listen');
    process.exit(1);
  }
}

await main();
