// Entry point of the actors service: settings -> logger -> app -> listen, and a graceful stop on
// SIGTERM/SIGINT (stop accepting, finish in-flight requests, exit within SHUTDOWN_TIMEOUT_SECONDS,
// 10 s by default, well inside ECS's 30 s stopTimeout).
import type { FastifyInstance } from 'fastify';
import type pino from 'pino';
import { buildActorsApp } from './app.ts';
import { closeServiceLog, createServiceLogger } from './logger.ts';
import { readPackageVersion } from './package-version.ts';
import { loadServiceSettings, SERVICE_ENV, ServiceSettingsError } from './settings.ts';
import { versionReportFromEnv } from './version-report.ts';

/** Exits once the log lines written so far are out (log writes are asynchronous). */
function exitAfterLog(logger: pino.Logger, code: number): void {
  void closeServiceLog(logger).finally(() => process.exit(code));
}

function installShutdown(app: FastifyInstance, logger: pino.Logger, timeoutMs: number): void {
  let stopping = false;
  let exiting = false;
  const stop = (signal: NodeJS.Signals) => {
    if (exiting) return;
    if (stopping) {
      exiting = true;
      logger.warn({ signal }, 'second signal while stopping: exiting now');
      exitAfterLog(logger, 1);
      return;
    }
    stopping = true;
    logger.info({ signal, timeoutMs }, 'stopping: finishing in-flight requests');
    const started = performance.now();
    const deadline = setTimeout(() => {
      exiting = true;
      logger.error({ timeoutMs }, 'in-flight requests did not finish in time: exiting');
      exitAfterLog(logger, 1);
    }, timeoutMs);
    deadline.unref();
    app.close().then(
      () => {
        if (exiting) return;
        exiting = true;
        logger.info({ durationMs: Math.round(performance.now() - started) }, 'stopped');
        exitAfterLog(logger, 0);
      },
      (error: unknown) => {
        if (exiting) return;
        exiting = true;
        logger.error({ err: error }, 'error while stopping');
        exitAfterLog(logger, 1);
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
    exitAfterLog(bootLogger, 1);
    return;
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
    const address = await app.listen({ host: settings.host, port: settings.port });
    // Fastify has no logger of its own (app.ts), so the line naming the port is logged here.
    logger.info({ address }, `actors service listening at ${address}`);
  } catch (error) {
    logger.fatal({ err: error, host: settings.host, port: settings.port }, 'could not listen');
    exitAfterLog(logger, 1);
  }
}

await main();
